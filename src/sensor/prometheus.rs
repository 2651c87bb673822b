//! A minimal HTTP/1 endpoint serving the Prometheus text format on every GET (`/metrics` is the
//! conventional path; any path answers).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use super::SensorError;

/// Produces the current exposition text.
pub type Render = Arc<dyn Fn() -> String + Send + Sync>;

/// Bind `addr` now (so a bad address fails at start) and serve in the background until the
/// returned task is aborted. Returns the bound address (useful with port 0).
pub async fn serve(
    addr: &str,
    render: Render,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), SensorError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SensorError::PrometheusBind {
            addr: addr.to_string(),
            source,
        })?;
    let bound = listener
        .local_addr()
        .map_err(|source| SensorError::PrometheusBind {
            addr: addr.to_string(),
            source,
        })?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let render = render.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let render = render.clone();
                    async move { Ok::<_, Infallible>(respond(&req, &render)) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok((bound, task))
}

fn respond(req: &Request<Incoming>, render: &Render) -> Response<Full<Bytes>> {
    let mut resp = if req.method() == Method::GET || req.method() == Method::HEAD {
        let mut r = Response::new(Full::new(Bytes::from(render())));
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        );
        r
    } else {
        let mut r = Response::new(Full::new(Bytes::from_static(b"method not allowed\n")));
        *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        r
    };
    resp.headers_mut().insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-store"),
    );
    resp
}
