//! `--obi-labels`: `obi_network_flow_bytes_total` with the OBI agent's own label set, so a
//! dashboard written for the agent's network metrics works on the sensor's.
//!
//! The agent (network metrics, every attribute selected, Kubernetes metadata off) writes one
//! series per connection and direction: `direction` is `request` (client → server) or `response`
//! (server → client), with `src_*`/`dst_*` the packet's source and destination, `client_port`
//! and `server_port`, `transport="TCP"`, `iface`, `iface_direction`, `obi_ip` (this host's
//! address), `src_name`/`dst_name` (the addresses when no name is known) and
//! `src_zone`/`dst_zone`. The integration test `sensor_obi_agreement` checks this set against
//! the real agent's `/metrics`.
//!
//! The sensor sees a connection from each local end: when both ends are on this host (loopback)
//! the same bytes are reported by the client and by the server socket. A series counts each
//! side separately and reports the larger, so a connection is counted once. Like the agent's
//! Prometheus exporter (`ttl`, 5 minutes by default), series not updated for [`TTL`] are
//! dropped, which bounds memory under connection churn.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use super::event::{ConnEvent, EventKind, Role};

/// Series not updated for this long are dropped (the agent's default Prometheus TTL).
pub const TTL: Duration = Duration::from_secs(300);

/// One TCP connection, as the agent keys a flow: client and server endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnKey {
    pub client: SocketAddr,
    pub server: SocketAddr,
}

/// Bytes seen by each end (a side not on this host stays 0).
#[derive(Debug, Clone, Copy)]
pub struct ConnBytes {
    request_by_client: u64,
    request_by_server: u64,
    response_by_client: u64,
    response_by_server: u64,
    /// The client end is on this host (its sends leave through an interface: egress).
    client_local: bool,
    updated: Instant,
}

impl ConnBytes {
    /// Client → server payload bytes.
    pub fn request(&self) -> u64 {
        self.request_by_client.max(self.request_by_server)
    }
    /// Server → client payload bytes.
    pub fn response(&self) -> u64 {
        self.response_by_client.max(self.response_by_server)
    }
}

/// Per-connection byte counts for the OBI-labelled flow metric.
#[derive(Debug, Clone)]
pub struct ObiFlows {
    conns: HashMap<ConnKey, ConnBytes>,
    host_ip: String,
}

impl ObiFlows {
    pub fn new() -> ObiFlows {
        ObiFlows {
            conns: HashMap::new(),
            host_ip: host_ip().map(|ip| ip.to_string()).unwrap_or_default(),
        }
    }

    /// Count a close event's bytes (open events carry none).
    pub fn add(&mut self, ev: &ConnEvent) {
        if ev.event != EventKind::Close || !ev.established {
            return;
        }
        let local = SocketAddr::new(ev.local_address, ev.local_port);
        let remote = SocketAddr::new(ev.remote_address, ev.remote_port);
        let key = match ev.role {
            Role::Client => ConnKey {
                client: local,
                server: remote,
            },
            Role::Server => ConnKey {
                client: remote,
                server: local,
            },
        };
        let now = Instant::now();
        let c = self.conns.entry(key).or_insert(ConnBytes {
            request_by_client: 0,
            request_by_server: 0,
            response_by_client: 0,
            response_by_server: 0,
            client_local: false,
            updated: now,
        });
        c.updated = now;
        match ev.role {
            Role::Client => {
                c.client_local = true;
                c.request_by_client += ev.bytes_sent;
                c.response_by_client += ev.bytes_received;
            }
            Role::Server => {
                c.request_by_server += ev.bytes_received;
                c.response_by_server += ev.bytes_sent;
            }
        }
    }

    /// Drop series not updated for [`TTL`].
    pub fn expire(&mut self, now: Instant) {
        self.conns
            .retain(|_, c| now.saturating_duration_since(c.updated) < TTL);
    }

    /// Connections with their counts, sorted by key.
    pub fn iter(&self) -> Vec<(&ConnKey, &ConnBytes)> {
        let mut v: Vec<_> = self.conns.iter().collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// The two series of a connection: (attributes, value) for request and response, with the
    /// agent's attribute names (dotted; Prometheus shows them with underscores).
    pub fn series(&self, k: &ConnKey, c: &ConnBytes) -> [(Vec<(&'static str, String)>, u64); 2] {
        let one = |src: SocketAddr, dst: SocketAddr, direction: &str, egress: bool| {
            vec![
                ("client.port", k.client.port().to_string()),
                ("direction", direction.to_string()),
                ("dst.address", dst.ip().to_string()),
                ("dst.name", dst.ip().to_string()),
                ("dst.port", dst.port().to_string()),
                ("dst.zone", String::new()),
                ("iface", String::new()),
                (
                    "iface.direction",
                    if egress { "egress" } else { "ingress" }.to_string(),
                ),
                ("obi.ip", self.host_ip.clone()),
                ("server.port", k.server.port().to_string()),
                ("src.address", src.ip().to_string()),
                ("src.name", src.ip().to_string()),
                ("src.port", src.port().to_string()),
                ("src.zone", String::new()),
                ("transport", "TCP".to_string()),
            ]
        };
        [
            (
                one(k.client, k.server, "request", c.client_local),
                c.request(),
            ),
            (
                one(k.server, k.client, "response", !c.client_local),
                c.response(),
            ),
        ]
    }
}

impl Default for ObiFlows {
    fn default() -> Self {
        ObiFlows::new()
    }
}

/// This host's address as the agent labels it (`obi.ip`): the first IPv4 address of an
/// interface that is up and not loopback, else the first such IPv6 address.
pub fn host_ip() -> Option<IpAddr> {
    let mut addrs: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `addrs` with a list it allocates; freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut addrs) } != 0 {
        return None;
    }
    let mut v4 = None;
    let mut v6 = None;
    let mut cur = addrs;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, valid until freeifaddrs.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        let flags = ifa.ifa_flags;
        if ifa.ifa_addr.is_null()
            || flags & libc::IFF_UP as u32 == 0
            || flags & libc::IFF_LOOPBACK as u32 != 0
        {
            continue;
        }
        // SAFETY: ifa_addr is non-null and points to a sockaddr whose family says its type.
        let family = i32::from(unsafe { (*ifa.ifa_addr).sa_family });
        if family == libc::AF_INET && v4.is_none() {
            // SAFETY: AF_INET: the sockaddr is a sockaddr_in.
            let sin = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in) };
            v4 = Some(IpAddr::from(
                u32::from_be(sin.sin_addr.s_addr).to_be_bytes(),
            ));
        } else if family == libc::AF_INET6 && v6.is_none() {
            // SAFETY: AF_INET6: the sockaddr is a sockaddr_in6.
            let sin6 = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in6) };
            v6 = Some(IpAddr::from(sin6.sin6_addr.s6_addr));
        }
    }
    // SAFETY: `addrs` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(addrs) };
    v4.or(v6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensor::event::Family;

    fn close(role: Role, local: &str, remote: &str, sent: u64, received: u64) -> ConnEvent {
        let local: SocketAddr = local.parse().unwrap();
        let remote: SocketAddr = remote.parse().unwrap();
        ConnEvent {
            record_type: "connection",
            event: EventKind::Close,
            time: jiff::Timestamp::UNIX_EPOCH,
            pid: 1,
            comm: "t".into(),
            role,
            direction: role.direction(),
            family: Family::Ipv4,
            local_address: local.ip(),
            local_port: local.port(),
            remote_address: remote.ip(),
            remote_port: remote.port(),
            old_state: "fin_wait2",
            new_state: "close",
            established: true,
            handshake_us: None,
            duration_us: None,
            bytes_sent: sent,
            bytes_received: received,
            rtt_us: None,
            retransmits: 0,
            failure_reason: None,
            error: None,
        }
    }

    #[test]
    fn both_ends_of_a_local_connection_count_once() {
        let mut f = ObiFlows::new();
        f.add(&close(
            Role::Client,
            "127.0.0.2:40000",
            "127.0.0.1:80",
            100,
            2000,
        ));
        f.add(&close(
            Role::Server,
            "127.0.0.1:80",
            "127.0.0.2:40000",
            2000,
            100,
        ));
        // Only the server of another connection is local.
        f.add(&close(
            Role::Server,
            "127.0.0.1:80",
            "10.0.0.9:5555",
            10,
            20,
        ));
        let all = f.iter();
        assert_eq!(all.len(), 2);
        let (k, c) = all.iter().find(|(k, _)| k.client.port() == 40000).unwrap();
        assert_eq!((c.request(), c.response()), (100, 2000));
        let [(req, rv), (resp, sv)] = f.series(k, c);
        assert_eq!((rv, sv), (100, 2000));
        let get =
            |a: &[(&str, String)], n: &str| a.iter().find(|(k, _)| *k == n).unwrap().1.clone();
        assert_eq!(get(&req, "src.address"), "127.0.0.2");
        assert_eq!(get(&req, "dst.port"), "80");
        assert_eq!(get(&req, "client.port"), "40000");
        assert_eq!(get(&req, "iface.direction"), "egress");
        assert_eq!(get(&resp, "src.port"), "80");
        assert_eq!(get(&resp, "direction"), "response");
        assert_eq!(get(&resp, "transport"), "TCP");
        let (k, c) = all.iter().find(|(k, _)| k.client.port() == 5555).unwrap();
        let [(req, rv), _] = f.series(k, c);
        assert_eq!(rv, 20);
        assert_eq!(get(&req, "iface.direction"), "ingress");
        f.expire(Instant::now() + TTL);
        assert!(f.iter().is_empty());
    }
}
