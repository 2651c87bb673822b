//! OTLP/HTTP protobuf metrics export (`POST <endpoint>/v1/metrics`).
//!
//! The messages below are the subset of `opentelemetry/proto/{collector/metrics/v1,metrics/v1,
//! common/v1,resource/v1}` the sensor sends, with the official field numbers; the tests decode
//! what we send with the official definitions (`opentelemetry-proto`).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use prost::Message;

use super::SensorError;
use super::metrics::{Kind, Metric, Value};

#[derive(Clone, PartialEq, Message)]
pub struct ExportMetricsServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub resource_metrics: Vec<ResourceMetrics>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ResourceMetrics {
    #[prost(message, optional, tag = "1")]
    pub resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    pub scope_metrics: Vec<ScopeMetrics>,
    #[prost(string, tag = "3")]
    pub schema_url: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct Resource {
    #[prost(message, repeated, tag = "1")]
    pub attributes: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ScopeMetrics {
    #[prost(message, optional, tag = "1")]
    pub scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    pub metrics: Vec<OtlpMetric>,
}

#[derive(Clone, PartialEq, Message)]
pub struct InstrumentationScope {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub version: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct OtlpMetric {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub description: String,
    #[prost(string, tag = "3")]
    pub unit: String,
    #[prost(oneof = "Data", tags = "7, 9")]
    pub data: Option<Data>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Data {
    #[prost(message, tag = "7")]
    Sum(Sum),
    #[prost(message, tag = "9")]
    Histogram(Histogram),
}

/// AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
const CUMULATIVE: i32 = 2;

#[derive(Clone, PartialEq, Message)]
pub struct Sum {
    #[prost(message, repeated, tag = "1")]
    pub data_points: Vec<NumberDataPoint>,
    #[prost(int32, tag = "2")]
    pub aggregation_temporality: i32,
    #[prost(bool, tag = "3")]
    pub is_monotonic: bool,
}

#[derive(Clone, PartialEq, Message)]
pub struct NumberDataPoint {
    #[prost(message, repeated, tag = "7")]
    pub attributes: Vec<KeyValue>,
    #[prost(fixed64, tag = "2")]
    pub start_time_unix_nano: u64,
    #[prost(fixed64, tag = "3")]
    pub time_unix_nano: u64,
    #[prost(sfixed64, optional, tag = "6")]
    pub as_int: Option<i64>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Histogram {
    #[prost(message, repeated, tag = "1")]
    pub data_points: Vec<HistogramDataPoint>,
    #[prost(int32, tag = "2")]
    pub aggregation_temporality: i32,
}

#[derive(Clone, PartialEq, Message)]
pub struct HistogramDataPoint {
    #[prost(message, repeated, tag = "9")]
    pub attributes: Vec<KeyValue>,
    #[prost(fixed64, tag = "2")]
    pub start_time_unix_nano: u64,
    #[prost(fixed64, tag = "3")]
    pub time_unix_nano: u64,
    #[prost(fixed64, tag = "4")]
    pub count: u64,
    #[prost(double, optional, tag = "5")]
    pub sum: Option<f64>,
    #[prost(fixed64, repeated, tag = "6")]
    pub bucket_counts: Vec<u64>,
    #[prost(double, repeated, tag = "7")]
    pub explicit_bounds: Vec<f64>,
}

#[derive(Clone, PartialEq, Message)]
pub struct KeyValue {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AnyValue {
    #[prost(oneof = "AnyValueKind", tags = "1, 3")]
    pub value: Option<AnyValueKind>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum AnyValueKind {
    #[prost(string, tag = "1")]
    StringValue(String),
    #[prost(int64, tag = "3")]
    IntValue(i64),
}

fn kv(key: &str, value: &str) -> KeyValue {
    // Numeric attributes (pid, ports) as integers, the rest as strings.
    let v = match (key, value.parse::<i64>()) {
        ("process.pid" | "src.port" | "dst.port", Ok(n)) => AnyValueKind::IntValue(n),
        _ => AnyValueKind::StringValue(value.to_string()),
    };
    KeyValue {
        key: key.to_string(),
        value: Some(AnyValue { value: Some(v) }),
    }
}

/// The export request for `metrics` (cumulative since `start_ns`, observed at `now_ns`).
pub fn request(metrics: &[Metric], start_ns: u64, now_ns: u64) -> ExportMetricsServiceRequest {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let otlp_metrics = metrics
        .iter()
        .map(|m| {
            let attrs = |p: &super::metrics::Point| -> Vec<KeyValue> {
                p.attributes.iter().map(|(k, v)| kv(k, v)).collect()
            };
            let data = match m.kind {
                Kind::Counter => Data::Sum(Sum {
                    data_points: m
                        .points
                        .iter()
                        .map(|p| NumberDataPoint {
                            attributes: attrs(p),
                            start_time_unix_nano: start_ns,
                            time_unix_nano: now_ns,
                            as_int: Some(match &p.value {
                                Value::Int(v) => *v as i64,
                                Value::Histogram(h) => h.count as i64,
                            }),
                        })
                        .collect(),
                    aggregation_temporality: CUMULATIVE,
                    is_monotonic: true,
                }),
                Kind::Histogram => Data::Histogram(Histogram {
                    data_points: m
                        .points
                        .iter()
                        .filter_map(|p| match &p.value {
                            Value::Histogram(h) => Some(HistogramDataPoint {
                                attributes: attrs(p),
                                start_time_unix_nano: start_ns,
                                time_unix_nano: now_ns,
                                count: h.count,
                                sum: Some(h.sum),
                                bucket_counts: h.counts.clone(),
                                explicit_bounds: h.bounds.to_vec(),
                            }),
                            Value::Int(_) => None,
                        })
                        .collect(),
                    aggregation_temporality: CUMULATIVE,
                }),
            };
            OtlpMetric {
                name: m.name.to_string(),
                description: m.description.to_string(),
                unit: m.unit.to_string(),
                data: Some(data),
            }
        })
        .collect();
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", "b00t-sensor"),
                    kv("host.name", host.trim()),
                    kv("telemetry.sdk.name", "b00t"),
                ],
            }),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope {
                    name: "b00t.sensor".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                }),
                metrics: otlp_metrics,
            }],
            schema_url: String::new(),
        }],
    }
}

/// Where to POST: `<endpoint>/v1/metrics` (unless the endpoint already ends with it).
#[derive(Debug, Clone)]
pub struct Exporter {
    url: String,
    authority: String,
    host: String,
    port: u16,
    path: String,
}

impl Exporter {
    /// Only `http://` endpoints (a local collector or agent); HTTPS is not supported.
    pub fn new(endpoint: &str) -> Result<Exporter, SensorError> {
        let bad = |reason: &str| SensorError::OtlpEndpoint {
            endpoint: endpoint.to_string(),
            reason: reason.to_string(),
        };
        let uri: hyper::Uri = endpoint.parse().map_err(|_| bad("not a URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => return Err(bad("https is not supported; use an http:// endpoint")),
            _ => return Err(bad("expected http://HOST:PORT")),
        }
        let authority = uri.authority().ok_or_else(|| bad("no host"))?.to_string();
        let host = uri.host().ok_or_else(|| bad("no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(4318);
        let base = uri.path().trim_end_matches('/');
        let path = if base.ends_with("/v1/metrics") {
            base.to_string()
        } else {
            format!("{base}/v1/metrics")
        };
        Ok(Exporter {
            url: format!("http://{authority}{path}"),
            authority,
            host,
            port,
            path,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// POST one export request.
    pub async fn export(&self, req: &ExportMetricsServiceRequest) -> Result<(), SensorError> {
        let err = |message: String| SensorError::OtlpExport {
            url: self.url.clone(),
            message,
        };
        let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| err(e.to_string()))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| err(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let body = Bytes::from(req.encode_to_vec());
        let request = hyper::Request::post(self.path.as_str())
            .header(hyper::header::HOST, self.authority.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/x-protobuf")
            .body(Full::new(body))
            .map_err(|e| err(e.to_string()))?;
        let resp = sender
            .send_request(request)
            .await
            .map_err(|e| err(e.to_string()))?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&body);
            return Err(err(format!("HTTP {status}: {}", text.trim())));
        }
        let _ = resp.into_body().collect().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_gets_v1_metrics() {
        let e = Exporter::new("http://127.0.0.1:4318").unwrap();
        assert_eq!(e.url(), "http://127.0.0.1:4318/v1/metrics");
        let e = Exporter::new("http://[::1]:9999/otlp/").unwrap();
        assert_eq!(e.url(), "http://[::1]:9999/otlp/v1/metrics");
        assert_eq!(e.host, "::1");
        let e = Exporter::new("http://collector:4318/v1/metrics").unwrap();
        assert_eq!(e.url(), "http://collector:4318/v1/metrics");
        assert!(Exporter::new("https://x:4318").is_err());
        assert!(Exporter::new("127.0.0.1:4318").is_err());
    }
}
