//! The HTTP surface: routing, auth, faults, discovery, CRUD, watch streams and pod logs.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::broadcast::error::RecvError;

use super::api::{self, DeleteOpts, Deleted, PatchKind, WriteCtx};
use super::authz::{self, Attrs};
use super::faults::ReqInfo;
use super::registry::{self, Res};
use super::selectors::{FieldSelector, LabelSelector};
use super::status::ApiError;
use super::store::{State, WatchEvent};
use super::util::{base64_decode, base64_encode, parse_query, parse_time, rfc3339_nano, str_at};

pub type Body = UnsyncBoxBody<Bytes, Infallible>;
pub type Shared = Arc<Mutex<State>>;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    pub body: String,
}

impl RecordedRequest {
    /// A decoded query parameter.
    pub fn param(&self, key: &str) -> Option<String> {
        parse_query(&self.query)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// POST, PUT, PATCH or DELETE that was not a dry run.
    pub fn is_write(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE")
            && self.param("dryRun").is_none()
    }
}

pub fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).boxed_unsync()
}

pub fn json_response(code: u16, v: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, private")
        .body(full(serde_json::to_vec(v).unwrap_or_default()))
        .expect("response")
}

pub fn error_response(e: &ApiError) -> Response<Body> {
    let mut r = json_response(e.code, &e.to_json());
    if let Some(s) = e.retry_after {
        r.headers_mut()
            .insert("retry-after", s.to_string().parse().expect("header"));
    }
    r
}

pub fn text_response(code: u16, s: &str) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "text/plain; charset=utf-8")
        .body(full(s.to_string()))
        .expect("response")
}

fn stream_response(
    content_type: &str,
    rx: futures::channel::mpsc::Receiver<Bytes>,
) -> Response<Body> {
    let body = StreamBody::new(rx.map(|b| Ok::<_, Infallible>(Frame::data(b))));
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", "no-cache, private")
        .body(body.boxed_unsync())
        .expect("response")
}

pub async fn serve(
    listener: TcpListener,
    shared: Shared,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(shared.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .with_upgrades()
                        .await;
                });
            }
        }
    }
}

/// `/api/v1/namespaces/<name>/status|finalize` address the namespace itself.
fn namespace_subresource(group: &str, more: &[&str]) -> bool {
    group.is_empty() && more.len() == 1 && matches!(more[0], "status" | "finalize")
}

enum Route {
    Metrics(Vec<String>),
    /// `/api/v1/nodes/{node}/proxy/{path}`.
    NodeProxy(String, String),
    /// `/api/v1/namespaces/{ns}/pods/{name[:port]}/proxy/{path}`.
    PodProxy(String, String, String),
    OpenApiRoot,
    OpenApi(String, String),
    Version,
    Health,
    ApiVersions,
    GroupList,
    Group(String),
    ResourceList(String, String),
    Resource {
        res: &'static Res,
        ns: Option<String>,
        name: Option<String>,
        sub: Option<String>,
    },
}

fn route(path: &str) -> Result<Route, ApiError> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Ok(Route::Version),
        ["api", "v1", "nodes", node, "proxy", rest @ ..] => {
            return Ok(Route::NodeProxy(
                node.to_string(),
                format!("/{}", rest.join("/")),
            ));
        }
        [
            "api",
            "v1",
            "namespaces",
            ns,
            "pods",
            pod,
            "proxy",
            rest @ ..,
        ] => {
            return Ok(Route::PodProxy(
                ns.to_string(),
                pod.to_string(),
                format!("/{}", rest.join("/")),
            ));
        }
        ["apis", "metrics.k8s.io", rest @ ..] => {
            return Ok(Route::Metrics(rest.iter().map(|s| s.to_string()).collect()));
        }
        ["openapi", "v3"] => return Ok(Route::OpenApiRoot),
        ["openapi", "v3", "api", v] => return Ok(Route::OpenApi(String::new(), v.to_string())),
        ["openapi", "v3", "apis", g, v] => return Ok(Route::OpenApi(g.to_string(), v.to_string())),
        ["healthz" | "readyz" | "livez", ..] => return Ok(Route::Health),
        ["api"] => return Ok(Route::ApiVersions),
        ["apis"] => return Ok(Route::GroupList),
        ["apis", g] => return Ok(Route::Group(g.to_string())),
        ["api", v] => return Ok(Route::ResourceList(String::new(), v.to_string())),
        ["apis", g, v] => return Ok(Route::ResourceList(g.to_string(), v.to_string())),
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(ApiError::path_not_found()),
    };
    let (ns, rest): (Option<String>, &[&str]) = match rest {
        ["namespaces", ns, more @ ..]
            if !more.is_empty() && !namespace_subresource(group, more) =>
        {
            (Some(ns.to_string()), more)
        }
        r => (None, r),
    };
    let (plural, name, sub) = match rest {
        [p] => (*p, None, None),
        [p, n] => (*p, Some(n.to_string()), None),
        [p, n, s] => (*p, Some(n.to_string()), Some(s.to_string())),
        _ => return Err(ApiError::path_not_found()),
    };
    let res = registry::find(group, version, plural).ok_or_else(ApiError::path_not_found)?;
    if (ns.is_some() && !res.namespaced)
        || sub
            .as_deref()
            .is_some_and(|s| !res.subresources.contains(&s))
    {
        return Err(ApiError::path_not_found());
    }
    Ok(Route::Resource { res, ns, name, sub })
}

struct Query(Vec<(String, String)>);

impl Query {
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, k: &str) -> bool {
        matches!(self.get(k), Some("true" | "1" | "True"))
    }

    fn int(&self, k: &str) -> Option<i64> {
        self.get(k).and_then(|v| v.parse().ok())
    }
}

async fn handle(shared: Shared, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let (mut parts, body) = req.into_parts();
    let ws = super::stream::WsRequest {
        key: parts
            .headers
            .get("sec-websocket-key")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .filter(|_| {
                parts
                    .headers
                    .get("upgrade")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
            }),
        protocols: parts
            .headers
            .get_all("sec-websocket-protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        upgrade: parts.extensions.remove::<hyper::upgrade::OnUpgrade>(),
    };
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let header = |k: &str| {
        parts
            .headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    let content_type = header("content-type");
    let accept = header("accept");
    let user_agent = header("user-agent");
    let method = parts.method.as_str().to_string();
    let (token, anonymous) = {
        let st = lock(&shared);
        (st.cfg.token.clone(), st.cfg.allow_anonymous)
    };
    {
        let mut st = lock(&shared);
        st.requests.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: raw_query.clone(),
            content_type: content_type.clone(),
            user_agent: user_agent.clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    let auth = header("authorization");
    let route = route(&path);
    let public = matches!(route, Ok(Route::Version | Route::Health));
    match auth {
        Some(a) if a == format!("Bearer {token}") => {}
        None if public || anonymous => {}
        _ => return Ok(error_response(&ApiError::unauthorized())),
    }
    let q = Query(parse_query(&raw_query));
    let route = match route {
        Ok(r) => r,
        Err(e) if path.starts_with("/api") => return Ok(error_response(&e)),
        Err(_) => return Ok(text_response(404, "404 page not found\n")),
    };
    let resp = match route {
        Route::OpenApiRoot => json_response(200, &registry::openapi_v3_root()),
        Route::OpenApi(g, v) => match registry::openapi_v3(&g, &v) {
            Some(doc) => json_response(200, &doc),
            None => text_response(404, "404 page not found\n"),
        },
        Route::Version => json_response(200, &registry::version_doc(&lock(&shared).cfg.version)),
        Route::Health => text_response(200, "ok"),
        Route::ApiVersions => json_response(200, &registry::api_versions()),
        Route::GroupList => {
            let mut doc = registry::api_group_list();
            if lock(&shared).cfg.metrics
                && let Some(groups) = doc["groups"].as_array_mut()
            {
                groups.push(super::metrics::group_doc());
            }
            json_response(200, &doc)
        }
        Route::Metrics(rest) => {
            let verb = if method != "GET" {
                ""
            } else if rest.len() % 2 == 0 {
                "list"
            } else {
                "get"
            };
            match metrics_denied(&shared, &rest, verb) {
                Some(e) => error_response(&e),
                None => metrics_route(&shared, &rest, &q),
            }
        }
        Route::NodeProxy(node, rest) => super::proxy::node_proxy(&shared, &method, &node, &rest),
        Route::PodProxy(ns, pod, rest) => {
            super::proxy::pod_proxy(&shared, &method, &ns, &pod, &rest)
        }
        Route::Group(g) => match registry::api_group(&g) {
            Some(v) => json_response(200, &v),
            None => error_response(&ApiError::path_not_found()),
        },
        Route::ResourceList(g, v) => match registry::resource_list(&g, &v) {
            Some(doc) => json_response(200, &doc),
            None => error_response(&ApiError::path_not_found()),
        },
        Route::Resource {
            res,
            ns: Some(ns),
            name: Some(name),
            sub: Some(sub),
        } if res.plural == "pods" && matches!(sub.as_str(), "exec" | "portforward") => {
            if !matches!(method.as_str(), "GET" | "POST") {
                return Ok(error_response(&ApiError::method_not_allowed()));
            }
            super::stream::handle(&shared, &sub, &ns, &name, &q.0, ws)
        }
        Route::Resource { res, ns, name, sub } => {
            let verb = match (method.as_str(), &name) {
                ("GET", None) if q.flag("watch") => "watch",
                ("GET", None) => "list",
                ("GET", Some(_)) => "get",
                ("POST", None) => "create",
                ("PUT", Some(_)) => "update",
                ("PATCH", Some(_)) => "patch",
                ("DELETE", Some(_)) => "delete",
                ("DELETE", None) => "deletecollection",
                _ => return Ok(error_response(&ApiError::method_not_allowed())),
            };
            let info = ReqInfo {
                verb,
                res,
                subresource: sub.as_deref(),
                namespace: ns.as_deref(),
                name: name.as_deref(),
            };
            let fault = {
                let mut st = lock(&shared);
                let user = st.cfg.user.clone();
                match st.faults.iter_mut().find(|f| f.matches(&info)) {
                    Some(f) => {
                        f.used += 1;
                        Some((f.hang, f.error(&info, &user)))
                    }
                    None => None,
                }
            };
            let denied = {
                let st = lock(&shared);
                let attrs = Attrs {
                    verb,
                    group: res.group,
                    resource: res.plural,
                    subresource: sub.as_deref(),
                    namespace: ns.as_deref(),
                };
                (!authz::allowed(&st, &attrs)).then(|| {
                    ApiError::forbidden(
                        res,
                        sub.as_deref(),
                        verb,
                        ns.as_deref(),
                        name.as_deref(),
                        &st.cfg.user,
                    )
                })
            };
            match fault {
                Some((true, _)) => {
                    std::future::pending::<()>().await;
                    unreachable!()
                }
                Some((false, e)) => error_response(&e),
                None if denied.is_some() => error_response(&denied.expect("denied")),
                None if res.create_only() => {
                    if verb != "create" {
                        return Ok(error_response(&ApiError::method_not_allowed()));
                    }
                    let st = lock(&shared);
                    let protobuf = content_type
                        .as_deref()
                        .is_some_and(|ct| ct.starts_with("application/vnd.kubernetes.protobuf"));
                    let decoded = if protobuf {
                        authz::ssar_from_protobuf(&body)
                    } else {
                        api::parse_body(&body)
                    };
                    match decoded.and_then(|b| authz::self_subject_access_review(&st, &b)) {
                        Ok(v) => json_response(201, &v),
                        Err(e) => error_response(&e),
                    }
                }
                None => {
                    let hdrs = Headers {
                        content_type: content_type.as_deref(),
                        user_agent: user_agent.as_deref(),
                        table: accept.as_deref().is_some_and(|a| a.contains("as=Table")),
                    };
                    resource(&shared, verb, res, ns, name, sub, &q, &body, &hdrs).await
                }
            }
        }
    };
    Ok(resp)
}

/// The authorizer's answer for a metrics.k8s.io request (`rest` after the group).
fn metrics_denied(shared: &Shared, rest: &[String], verb: &str) -> Option<ApiError> {
    let st = lock(shared);
    if !st.cfg.metrics {
        return None;
    }
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let (ns, plural, name) = match rest.as_slice() {
        [_, "namespaces", ns, p] => (Some(*ns), *p, None),
        [_, "namespaces", ns, p, n] => (Some(*ns), *p, Some(*n)),
        [_, p] => (None, *p, None),
        [_, p, n] => (None, *p, Some(*n)),
        _ => return None,
    };
    let res = match plural {
        "pods" => &super::metrics::PODS,
        "nodes" => &super::metrics::NODES,
        _ => return None,
    };
    let attrs = Attrs {
        verb,
        group: super::metrics::GROUP,
        resource: plural,
        subresource: None,
        namespace: ns,
    };
    (!authz::allowed(&st, &attrs))
        .then(|| ApiError::forbidden(res, None, verb, ns, name, &st.cfg.user))
}

fn metrics_route(shared: &Shared, rest: &[String], q: &Query) -> Response<Body> {
    let st = lock(shared);
    if !st.cfg.metrics {
        return error_response(&ApiError::path_not_found());
    }
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let sel = q.get("labelSelector").unwrap_or("");
    let result = match rest.as_slice() {
        [] => {
            let mut doc = super::metrics::group_doc();
            doc["kind"] = json!("APIGroup");
            doc["apiVersion"] = json!("v1");
            Ok(doc)
        }
        ["v1beta1"] => Ok(super::metrics::resource_list()),
        ["v1beta1", "nodes"] => super::metrics::get(&st, "nodes", None, None, sel),
        ["v1beta1", "nodes", n] => super::metrics::get(&st, "nodes", None, Some(n), sel),
        ["v1beta1", "pods"] => super::metrics::get(&st, "pods", None, None, sel),
        ["v1beta1", "namespaces", ns, "pods"] => {
            super::metrics::get(&st, "pods", Some(ns), None, sel)
        }
        ["v1beta1", "namespaces", ns, "pods", n] => {
            super::metrics::get(&st, "pods", Some(ns), Some(n), sel)
        }
        _ => Err(ApiError::path_not_found()),
    };
    match result {
        Ok(v) => json_response(200, &v),
        Err(e) => error_response(&e),
    }
}

struct Headers<'a> {
    content_type: Option<&'a str>,
    user_agent: Option<&'a str>,
    /// The client asked for server-side printing.
    table: bool,
}

#[allow(clippy::too_many_arguments)]
async fn resource(
    shared: &Shared,
    verb: &str,
    res: &'static Res,
    ns: Option<String>,
    name: Option<String>,
    sub: Option<String>,
    q: &Query,
    body: &[u8],
    hdrs: &Headers<'_>,
) -> Response<Body> {
    let (content_type, user_agent) = (hdrs.content_type, hdrs.user_agent);
    let include = q.get("includeObject").unwrap_or("Metadata").to_string();
    let ns_key = if res.namespaced {
        ns.clone().unwrap_or_default()
    } else {
        String::new()
    };
    let default_manager = user_agent
        .and_then(|ua| ua.split('/').next())
        .filter(|s| !s.is_empty())
        .unwrap_or("unknown")
        .to_string();
    let manager_param = q.get("fieldManager").map(String::from);
    let dry_run = q.get("dryRun").is_some_and(|v| v == "All");
    let strict = q.get("fieldValidation") == Some("Strict");
    let sub_ref = sub.as_deref();
    match verb {
        "watch" => return watch(shared.clone(), res, ns, q, hdrs.table.then_some(include)).await,
        "get" if sub_ref == Some("log") => {
            return logs(shared.clone(), &ns_key, name.as_deref().unwrap_or(""), q).await;
        }
        _ => {}
    }
    // This server speaks JSON only: a protobuf body is refused like a server without
    // protobuf support (client-go then retries in JSON).
    if content_type.is_some_and(|ct| ct.starts_with("application/vnd.kubernetes.protobuf")) {
        return error_response(&ApiError::new(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
        ));
    }
    let mut st = lock(shared);
    let result: Result<(u16, Value), ApiError> = (|| {
        let name = name.clone().unwrap_or_default();
        match verb {
            "get" => {
                let obj = st
                    .get(res.plural, &ns_key, &name)
                    .cloned()
                    .ok_or_else(|| ApiError::not_found(res, &name))?;
                if sub_ref == Some("scale") {
                    return Ok((200, scale_of(&obj)));
                }
                Ok((200, obj))
            }
            "list" => list(&st, res, ns.as_deref(), q).map(|v| (200, v)),
            "create" => {
                let obj = api::parse_body(body)?;
                let manager = manager_param.clone().unwrap_or(default_manager.clone());
                let ctx = WriteCtx {
                    manager: &manager,
                    strict,
                    dry_run,
                    subresource: None,
                };
                api::create(&mut st, res, &ns_key, obj, &ctx, false).map(|v| (201, v))
            }
            "update" => {
                let obj = api::parse_body(body)?;
                let manager = manager_param.clone().unwrap_or(default_manager.clone());
                let ctx = WriteCtx {
                    manager: &manager,
                    strict,
                    dry_run,
                    subresource: sub_ref,
                };
                if sub_ref == Some("scale") {
                    let replicas = obj
                        .pointer("/spec/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    return set_scale(&mut st, res, &ns_key, &name, replicas, &ctx);
                }
                api::update(&mut st, res, &ns_key, &name, obj, &ctx).map(|v| (200, v))
            }
            "patch" => {
                let ct = content_type.unwrap_or("");
                let kind = PatchKind::from_content_type(ct, q.flag("force"))
                    .ok_or_else(|| ApiError::unsupported_media_type(ct))?;
                let manager = match (&kind, &manager_param) {
                    (_, Some(m)) => m.clone(),
                    (PatchKind::Apply { .. }, None) => String::new(),
                    _ => default_manager.clone(),
                };
                if q.get("force").is_some() && !matches!(kind, PatchKind::Apply { .. }) {
                    return Err(ApiError::bad_request(
                        "force is only allowed for apply patches",
                    ));
                }
                let ctx = WriteCtx {
                    manager: &manager,
                    strict,
                    dry_run,
                    subresource: sub_ref,
                };
                if sub_ref == Some("scale") {
                    let obj = st
                        .get(res.plural, &ns_key, &name)
                        .cloned()
                        .ok_or_else(|| ApiError::not_found(res, &name))?;
                    let mut scale = scale_of(&obj);
                    let p: Value = serde_json::from_slice(body)
                        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
                    match kind {
                        PatchKind::Json => {
                            let ops: json_patch::Patch = serde_json::from_value(p)
                                .map_err(|e| ApiError::bad_request(e.to_string()))?;
                            json_patch::patch(&mut scale, &ops)
                                .map_err(|e| ApiError::bad_request(e.to_string()))?;
                        }
                        _ => super::merge::merge_patch(&mut scale, &p),
                    }
                    let replicas = scale
                        .pointer("/spec/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    return set_scale(&mut st, res, &ns_key, &name, replicas, &ctx);
                }
                api::patch(&mut st, res, &ns_key, &name, kind, body, &ctx)
                    .map(|(v, created)| (if created { 201 } else { 200 }, v))
            }
            "delete" => {
                let opts = delete_opts(q, body, dry_run)?;
                match api::delete(&mut st, res, &ns_key, &name, &opts)? {
                    // Registries with ReturnDeletedObject answer with the object itself.
                    Deleted::Gone(obj) if res.returns_deleted_object() => Ok((200, obj)),
                    Deleted::Gone(obj) => {
                        let mut details = json!({"name": name, "kind": res.plural, "uid": str_at(&obj, &["metadata", "uid"])});
                        if !res.group.is_empty() {
                            details["group"] = json!(res.group);
                        }
                        Ok((
                            200,
                            json!({
                                "kind": "Status", "apiVersion": "v1", "metadata": {},
                                "status": "Success", "details": details,
                            }),
                        ))
                    }
                    Deleted::Pending(obj) => Ok((200, obj)),
                }
            }
            "deletecollection" => {
                let opts = delete_opts(q, body, dry_run)?;
                let listed = list(&st, res, ns.as_deref(), q)?;
                let mut out = listed.clone();
                let mut items = Vec::new();
                for item in listed["items"].as_array().into_iter().flatten() {
                    let n = str_at(item, &["metadata", "name"])
                        .unwrap_or("")
                        .to_string();
                    match api::delete(&mut st, res, &ns_key, &n, &opts) {
                        Ok(Deleted::Gone(o) | Deleted::Pending(o)) => items.push(o),
                        Err(e) if e.code == 404 => {}
                        Err(e) => return Err(e),
                    }
                }
                out["items"] = Value::Array(items);
                Ok((200, out))
            }
            _ => Err(ApiError::method_not_allowed()),
        }
    })();
    drop(st);
    match result {
        Ok((code, v)) if hdrs.table && (verb == "get" || verb == "list") && sub_ref.is_none() => {
            json_response(code, &super::tables::table(res, &v, &include))
        }
        Ok((code, v)) => json_response(code, &v),
        Err(e) => error_response(&e),
    }
}

fn delete_opts(q: &Query, body: &[u8], dry_run: bool) -> Result<DeleteOpts, ApiError> {
    let b: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    let mut propagation = b["propagationPolicy"]
        .as_str()
        .map(String::from)
        .or(q.get("propagationPolicy").map(String::from));
    if propagation.is_none() && b["orphanDependents"].as_bool() == Some(true) {
        propagation = Some("Orphan".into());
    }
    if let Some(p) = &propagation
        && !["Foreground", "Background", "Orphan"].contains(&p.as_str())
    {
        return Err(ApiError::new(
            422,
            "Invalid",
            format!(
                "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: {p:?}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
            ),
        ));
    }
    let dry = dry_run
        || b["dryRun"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "All"));
    Ok(DeleteOpts {
        propagation,
        grace: b["gracePeriodSeconds"]
            .as_i64()
            .or(q.int("gracePeriodSeconds")),
        dry_run: dry,
        uid: b
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(String::from),
        resource_version: b
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(String::from),
    })
}

fn scale_of(obj: &Value) -> Value {
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": obj["metadata"]["name"],
            "namespace": obj["metadata"]["namespace"],
            "uid": obj["metadata"]["uid"],
            "resourceVersion": obj["metadata"]["resourceVersion"],
            "creationTimestamp": obj["metadata"]["creationTimestamp"],
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {
            "replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": super::controllers::selector_string(obj),
        },
    })
}

fn set_scale(
    st: &mut State,
    res: &'static Res,
    ns: &str,
    name: &str,
    replicas: i64,
    ctx: &WriteCtx,
) -> Result<(u16, Value), ApiError> {
    let old = st
        .get(res.plural, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(res, name))?;
    let mut new = old.clone();
    new["spec"]["replicas"] = json!(replicas);
    let main_ctx = WriteCtx {
        manager: ctx.manager,
        dry_run: ctx.dry_run,
        subresource: None,
        strict: ctx.strict,
    };
    let stored = api::commit_update(st, res, &old, new, &main_ctx, false)?;
    Ok((200, scale_of(&stored)))
}

fn strip_list_item(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("kind");
        m.remove("apiVersion");
    }
    v
}

fn list(st: &State, res: &'static Res, ns: Option<&str>, q: &Query) -> Result<Value, ApiError> {
    let lsel = LabelSelector::parse(q.get("labelSelector").unwrap_or(""))?;
    let fsel = FieldSelector::parse(q.get("fieldSelector").unwrap_or(""), res.plural)?;
    let ns = if res.namespaced { ns } else { None };
    let mut start_after: Option<String> = None;
    if let Some(c) = q.get("continue").filter(|c| !c.is_empty()) {
        let decoded = base64_decode(c)
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .ok_or_else(|| ApiError::bad_request(format!("continue key is not valid: {c}")))?;
        let rv = decoded["rv"].as_u64().unwrap_or(0);
        if rv < st.compacted {
            return Err(ApiError::expired(
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
            ));
        }
        start_after = decoded["start"].as_str().map(String::from);
    }
    let all: Vec<&Value> = st
        .list(res.plural, ns)
        .into_iter()
        .filter(|o| {
            let key = format!("{}/{}", super::util::ns_of(o), super::util::name_of(o));
            start_after
                .as_ref()
                .is_none_or(|s| key.as_str() > s.trim_end_matches('\u{0}'))
        })
        .filter(|o| lsel.matches_object(o) && fsel.matches(o))
        .collect();
    let limit = q.int("limit").filter(|l| *l > 0).map(|l| l as usize);
    let mut meta = json!({"resourceVersion": st.rv.to_string()});
    let items: Vec<Value> = match limit {
        Some(l) if all.len() > l => {
            let last = all[l - 1];
            let key = format!(
                "{}/{}\u{0}",
                super::util::ns_of(last),
                super::util::name_of(last)
            );
            let token = json!({"v": "meta.k8s.io/v1", "rv": st.rv, "start": key});
            meta["continue"] = json!(base64_encode(token.to_string().as_bytes()));
            if lsel.0.is_empty() && fsel.0.is_empty() {
                meta["remainingItemCount"] = json!(all.len() - l);
            }
            all[..l].iter().map(|v| strip_list_item(v)).collect()
        }
        _ => all.iter().map(|v| strip_list_item(v)).collect(),
    };
    Ok(json!({
        "kind": res.list_kind(),
        "apiVersion": res.api_version(),
        "metadata": meta,
        "items": items,
    }))
}

fn event_line(ty: &str, object: &Value) -> Bytes {
    let mut s = serde_json::to_string(&json!({"type": ty, "object": object})).unwrap_or_default();
    s.push('\n');
    Bytes::from(s)
}

/// How a store event looks to a watch with selectors (objects moving in and out of the
/// selection become ADDED and DELETED, as the watch cache does).
fn project(ev: &WatchEvent, lsel: &LabelSelector, fsel: &FieldSelector) -> Option<&'static str> {
    let m = |v: &Value| lsel.matches_object(v) && fsel.matches(v);
    let now = m(&ev.object);
    let before = ev.prev.as_ref().is_some_and(m);
    match ev.kind {
        "ADDED" => now.then_some("ADDED"),
        "DELETED" => before.then_some("DELETED"),
        _ => match (before, now) {
            (true, true) => Some("MODIFIED"),
            (false, true) => Some("ADDED"),
            (true, false) => Some("DELETED"),
            (false, false) => None,
        },
    }
}

async fn watch(
    shared: Shared,
    res: &'static Res,
    ns: Option<String>,
    q: &Query,
    table: Option<String>,
) -> Response<Body> {
    let event_line = move |ty: &str, object: &Value| match &table {
        Some(include) if ty != "BOOKMARK" && ty != "ERROR" => {
            event_line(ty, &super::tables::table(res, object, include))
        }
        _ => event_line(ty, object),
    };
    let lsel = match LabelSelector::parse(q.get("labelSelector").unwrap_or("")) {
        Ok(s) => s,
        Err(e) => return error_response(&e),
    };
    let fsel = match FieldSelector::parse(q.get("fieldSelector").unwrap_or(""), res.plural) {
        Ok(s) => s,
        Err(e) => return error_response(&e),
    };
    let ns = if res.namespaced { ns } else { None };
    let bookmarks = q.flag("allowWatchBookmarks");
    let send_initial = q.flag("sendInitialEvents");
    let timeout =
        Duration::from_secs(q.int("timeoutSeconds").filter(|t| *t > 0).unwrap_or(1800) as u64);
    let rv = q.get("resourceVersion").unwrap_or("").to_string();
    let in_scope = {
        let plural = res.plural;
        let ns = ns.clone();
        move |ev: &WatchEvent| ev.plural == plural && ns.as_ref().is_none_or(|n| *n == ev.ns)
    };
    let (mut initial, mut sub, mut last_rv, expired, interval) = {
        let st = lock(&shared);
        let sub = st.events_tx.subscribe();
        let mut initial: Vec<Bytes> = Vec::new();
        let mut expired = None;
        if rv.is_empty() || rv == "0" || send_initial {
            for o in st.list(res.plural, ns.as_deref()) {
                if lsel.matches_object(o) && fsel.matches(o) {
                    initial.push(event_line("ADDED", o));
                }
            }
        } else {
            match rv.parse::<u64>() {
                Ok(n) if n < st.compacted => {
                    expired = Some(format!(
                        "too old resource version: {n} ({})",
                        st.compacted + 1
                    ));
                }
                Ok(n) => {
                    for ev in st.history.iter().filter(|e| e.rv > n && in_scope(e)) {
                        if let Some(ty) = project(ev, &lsel, &fsel) {
                            initial.push(event_line(ty, &ev.object));
                        }
                    }
                }
                Err(_) => {
                    drop(st);
                    return error_response(&ApiError::bad_request(format!(
                        "invalid resource version: {rv:?}"
                    )));
                }
            }
        }
        (initial, sub, st.rv, expired, st.cfg.bookmark_interval)
    };
    let bookmark = move |rv: u64, initial_end: bool| {
        let mut meta = json!({"resourceVersion": rv.to_string()});
        if initial_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        self::event_line(
            "BOOKMARK",
            &json!({"kind": res.kind, "apiVersion": res.api_version(), "metadata": meta}),
        )
    };
    if send_initial && bookmarks {
        initial.push(bookmark(last_rv, true));
    }
    let (mut tx, rx) = futures::channel::mpsc::channel::<Bytes>(256);
    let shared2 = shared.clone();
    tokio::spawn(async move {
        if let Some(msg) = expired {
            let status = ApiError::expired(msg).to_json();
            let _ = tx.send(event_line("ERROR", &status)).await;
            return;
        }
        for line in initial {
            if tx.send(line).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut tick = tokio::time::interval(interval);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => break,
                _ = tick.tick() => {
                    if bookmarks {
                        let rv = lock(&shared2).rv.max(last_rv);
                        if tx.send(bookmark(rv, false)).await.is_err() {
                            break;
                        }
                    } else if tx.is_closed() {
                        break;
                    }
                }
                ev = sub.recv() => match ev {
                    Ok(ev) => {
                        if ev.rv <= last_rv || !in_scope(&ev) {
                            continue;
                        }
                        last_rv = ev.rv;
                        if let Some(ty) = project(&ev, &lsel, &fsel)
                            && tx.send(event_line(ty, &ev.object)).await.is_err()
                        {
                            break;
                        }
                    }
                    Err(RecvError::Lagged(_)) => {
                        let status = ApiError::expired("too old resource version: watch fell behind").to_json();
                        let _ = tx.send(event_line("ERROR", &status)).await;
                        break;
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        }
    });
    stream_response("application/json", rx)
}

struct LogQuery {
    container: String,
    previous: bool,
    follow: bool,
    timestamps: bool,
    since: Option<jiff::Timestamp>,
    tail: Option<usize>,
    limit_bytes: Option<usize>,
}

fn format_line(l: &super::logs::LogLine, ts: bool) -> String {
    if ts {
        format!("{} {}\n", rfc3339_nano(l.ts), l.text)
    } else {
        format!("{}\n", l.text)
    }
}

async fn logs(shared: Shared, ns: &str, pod: &str, q: &Query) -> Response<Body> {
    let pods_res = registry::find("", "v1", "pods").expect("pods");
    let setup = (|| -> Result<(LogQuery, String, usize, usize), ApiError> {
        let st = lock(&shared);
        let p = st
            .get("pods", ns, pod)
            .ok_or_else(|| ApiError::not_found(pods_res, pod))?;
        let names = |key: &str| -> Vec<String> {
            p.pointer(&format!("/spec/{key}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect()
        };
        let mains = names("containers");
        let inits = names("initContainers");
        let container = match q.get("container").filter(|c| !c.is_empty()) {
            Some(c) => c.to_string(),
            None if mains.len() == 1 => mains[0].clone(),
            None => {
                let mut msg = format!(
                    "a container name must be specified for pod {pod}, choose one of: [{}]",
                    mains.join(" ")
                );
                if !inits.is_empty() {
                    msg.push_str(&format!(
                        " or one of the init containers: [{}]",
                        inits.join(" ")
                    ));
                }
                return Err(ApiError::bad_request(msg));
            }
        };
        if !mains.contains(&container) && !inits.contains(&container) {
            return Err(ApiError::bad_request(format!(
                "container {container} is not valid for pod {pod}"
            )));
        }
        let instances = st.logs.instances(ns, pod, &container);
        let previous = q.flag("previous");
        let idx = if previous {
            if instances.len() < 2 {
                return Err(ApiError::bad_request(format!(
                    "previous terminated container {container:?} in pod {pod:?} not found"
                )));
            }
            instances.len() - 2
        } else {
            if instances.is_empty() {
                let status = ["containerStatuses", "initContainerStatuses"]
                    .iter()
                    .flat_map(|k| {
                        p.pointer(&format!("/status/{k}"))
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                    })
                    .find(|s| s["name"] == container.as_str());
                let reason = status
                    .and_then(|s| s.pointer("/state/waiting/reason"))
                    .and_then(Value::as_str)
                    .unwrap_or("ContainerCreating");
                let reason = match reason {
                    "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image",
                    r => r,
                };
                return Err(ApiError::bad_request(format!(
                    "container {container:?} in pod {pod:?} is waiting to start: {reason}"
                )));
            }
            instances.len() - 1
        };
        let since = match (q.int("sinceSeconds"), q.get("sinceTime")) {
            (Some(s), _) => Some(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(s)),
            (None, Some(t)) => Some(
                parse_time(t)
                    .ok_or_else(|| ApiError::bad_request(format!("invalid sinceTime {t:?}")))?,
            ),
            _ => None,
        };
        let lq = LogQuery {
            container: container.clone(),
            previous,
            follow: q.flag("follow") && !previous,
            timestamps: q.flag("timestamps"),
            since,
            tail: q.int("tailLines").filter(|t| *t >= 0).map(|t| t as usize),
            limit_bytes: q.int("limitBytes").filter(|b| *b > 0).map(|b| b as usize),
        };
        let lines = &instances[idx].lines;
        let eligible: Vec<usize> = (0..lines.len())
            .filter(|i| lq.since.is_none_or(|s| lines[*i].ts >= s))
            .collect();
        let start = match lq.tail {
            Some(t) if eligible.len() > t => eligible[eligible.len() - t],
            _ => eligible.first().copied().unwrap_or(lines.len()),
        };
        Ok((lq, container, idx, start))
    })();
    let (lq, container, idx, start) = match setup {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let collect = |st: &State, from: usize| -> (String, usize, bool) {
        let instances = st.logs.instances(ns, pod, &container);
        let Some(inst) = instances.get(idx) else {
            return (String::new(), from, true);
        };
        let mut out = String::new();
        for l in inst.lines.iter().skip(from) {
            out.push_str(&format_line(l, lq.timestamps));
        }
        let ended = inst.ended || instances.len() > idx + 1 || st.get("pods", ns, pod).is_none();
        (out, inst.lines.len(), ended)
    };
    let (first, mut pos, ended) = collect(&lock(&shared), start);
    let mut budget = lq.limit_bytes.unwrap_or(usize::MAX);
    let cut = |s: String, budget: &mut usize| -> String {
        if s.len() <= *budget {
            *budget -= s.len();
            s
        } else {
            let b = s.as_bytes()[..*budget].to_vec();
            *budget = 0;
            String::from_utf8_lossy(&b).into_owned()
        }
    };
    let first = cut(first, &mut budget);
    if !lq.follow || ended || budget == 0 {
        return Response::builder()
            .status(200)
            .header("content-type", "text/plain")
            .body(full(first))
            .expect("response");
    }
    let _ = lq.previous;
    let (mut tx, rx) = futures::channel::mpsc::channel::<Bytes>(256);
    let ns = ns.to_string();
    let pod = pod.to_string();
    tokio::spawn(async move {
        if !first.is_empty() && tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        let mut changes = lock(&shared).log_tx.subscribe();
        loop {
            let (more, new_pos, ended) = {
                let st = lock(&shared);
                let instances = st.logs.instances(&ns, &pod, &container);
                match instances.get(idx) {
                    None => (String::new(), pos, true),
                    Some(inst) => {
                        let mut out = String::new();
                        for l in inst.lines.iter().skip(pos) {
                            out.push_str(&format_line(l, lq.timestamps));
                        }
                        let ended = inst.ended
                            || instances.len() > idx + 1
                            || st.get("pods", &ns, &pod).is_none();
                        (out, inst.lines.len(), ended)
                    }
                }
            };
            pos = new_pos;
            if !more.is_empty() {
                let chunk = cut(more, &mut budget);
                if tx.send(Bytes::from(chunk)).await.is_err() {
                    return;
                }
            }
            if ended || budget == 0 {
                return;
            }
            tokio::select! {
                r = changes.changed() => if r.is_err() { return },
                _ = tokio::time::sleep(Duration::from_millis(500)) => {
                    if tx.is_closed() { return; }
                }
            }
        }
    });
    stream_response("text/plain", rx)
}

pub fn status_code_name(code: u16) -> &'static str {
    StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
