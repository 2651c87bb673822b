//! Injected failures: answer matching requests with an error status, or never answer.

use serde_json::json;

use super::registry::Res;
use super::status::ApiError;

/// Which requests to fail, and how. Every field left `None` matches anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultRule {
    /// get, list, watch, create, update, patch, delete, deletecollection.
    pub verb: Option<String>,
    /// Plural (`deployments`), `plural.group`, or with a subresource (`pods/log`).
    pub resource: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// 401, 403, 404, 409, 410, 429, 500, 503 (ignored by `hang`).
    pub status: u16,
    /// Only the first N matching requests; `None` for all.
    pub times: Option<usize>,
    /// Overrides the message of the status.
    pub message: Option<String>,
}

impl FaultRule {
    pub fn new(status: u16) -> FaultRule {
        FaultRule {
            status,
            ..Default::default()
        }
    }

    pub fn verb(mut self, v: &str) -> Self {
        self.verb = Some(v.to_string());
        self
    }

    pub fn resource(mut self, r: &str) -> Self {
        self.resource = Some(r.to_string());
        self
    }

    pub fn namespace(mut self, ns: &str) -> Self {
        self.namespace = Some(ns.to_string());
        self
    }

    pub fn name(mut self, n: &str) -> Self {
        self.name = Some(n.to_string());
        self
    }

    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    pub fn message(mut self, m: &str) -> Self {
        self.message = Some(m.to_string());
        self
    }
}

#[derive(Debug, Clone)]
pub struct FaultEntry {
    pub rule: FaultRule,
    pub hang: bool,
    pub used: usize,
}

/// What the HTTP layer knows about a request when checking faults.
pub struct ReqInfo<'a> {
    pub verb: &'a str,
    pub res: &'static Res,
    pub subresource: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub name: Option<&'a str>,
}

impl FaultEntry {
    pub fn matches(&self, r: &ReqInfo) -> bool {
        if self.rule.times.is_some_and(|t| self.used >= t) {
            return false;
        }
        let rule = &self.rule;
        let resource_ok = rule.resource.as_deref().is_none_or(|want| {
            let full = match r.subresource {
                Some(s) => format!("{}/{s}", r.res.plural),
                None => r.res.plural.to_string(),
            };
            want == full
                || (r.subresource.is_none()
                    && (want == r.res.group_resource() || want == r.res.kind))
                || want == format!("{}/{}", r.res.group_resource(), r.subresource.unwrap_or(""))
        });
        resource_ok
            && rule.verb.as_deref().is_none_or(|v| v == r.verb)
            && rule
                .namespace
                .as_deref()
                .is_none_or(|n| Some(n) == r.namespace)
            && rule.name.as_deref().is_none_or(|n| Some(n) == r.name)
    }

    pub fn error(&self, r: &ReqInfo, user: &str) -> ApiError {
        let mut e = match self.rule.status {
            401 => ApiError::unauthorized(),
            403 => ApiError::forbidden(r.res, r.subresource, r.verb, r.namespace, r.name, user),
            404 => match r.name {
                Some(n) => ApiError::not_found(r.res, n),
                None => ApiError::path_not_found(),
            },
            409 => ApiError::conflict_modified(r.res, r.name.unwrap_or("")),
            410 => ApiError::expired("The resourceVersion for the provided list is too old."),
            429 => ApiError::too_many_requests(),
            503 => ApiError::service_unavailable(),
            code => {
                let mut e = ApiError::internal("injected fault");
                e.code = code;
                e
            }
        };
        if let Some(m) = &self.rule.message {
            e.message = m.clone();
            if e.code == 500 {
                e.details = Some(json!({"causes": [{"message": m}]}));
            }
        }
        e
    }
}
