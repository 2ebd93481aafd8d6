//! Partitions: two groups of nodes that cannot reach each other until the
//! partition heals.

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Net, Node};
use crate::nftables;
use crate::sandbox::ns;

/// Numbers the partitions of a test, so that several can coexist.
pub(super) static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A partition made by [`Net::partition`]: every packet between its two
/// groups is dropped until [`Partition::heal`] or until it is dropped.
#[must_use = "a partition heals when it is dropped: keep it while the test needs it"]
pub struct Partition<'n> {
    net: &'n Net,
    id: u64,
    /// A readable form of the groups, for errors.
    label: String,
    healed: bool,
}

impl fmt::Debug for Partition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Partition")
            .field("groups", &self.label)
            .field("healed", &self.healed)
            .finish()
    }
}

impl Partition<'_> {
    /// Ends the partition: once this returns, packets between the groups
    /// flow again (connections that were waiting retransmit as usual).
    pub fn heal(mut self) -> io::Result<()> {
        self.healed = true;
        heal_everywhere(self.net, self.id, &self.label)
    }
}

impl Drop for Partition<'_> {
    fn drop(&mut self) {
        if !self.healed {
            if let Err(e) = heal_everywhere(self.net, self.id, &self.label) {
                // Nothing to return it to; the sandbox ends with the test.
                eprintln!(
                    "netns-test: could not heal the partition {}: {e}",
                    self.label
                );
            }
        }
    }
}

impl Net {
    /// Cuts the nodes named in `a` off from those named in `b` (`"host"`
    /// counts as a node): every packet from an address of one group to an
    /// address of the other is dropped, both ways, also when it is routed
    /// through other nodes. Silently: links stay up, routes and addresses
    /// stay, and no RST or ICMP error comes back, as across a real
    /// partition. Returns once it is in effect for the next packet; heals
    /// with [`Partition::heal`] or when dropped.
    ///
    /// ```no_run
    /// # use netns_test::Net;
    /// # fn body(net: &Net) -> std::io::Result<()> {
    /// let cut = net.partition(&["client"], &["server"])?;
    /// // ... the client's retries fail ...
    /// cut.heal()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// At the caller's line, for a name that is not a node of the topology.
    ///
    /// # Errors
    /// `InvalidInput` for an empty group or a node in both groups; the
    /// kernel's error, naming the node, if a rule could not be made.
    #[track_caller]
    pub fn partition(&self, a: &[&str], b: &[&str]) -> io::Result<Partition<'_>> {
        let group = |names: &[&str]| -> Vec<&Node> { names.iter().map(|n| self.node(n)).collect() };
        let (ga, gb) = (group(a), group(b));
        let label = format!("[{}] | [{}]", a.join(", "), b.join(", "));
        if ga.is_empty() || gb.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("partition {label}: each group needs at least one node"),
            ));
        }
        if let Some(both) = a.iter().find(|n| b.contains(n)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("partition {label}: `{both}` is in both groups"),
            ));
        }
        let addrs =
            |group: &[&Node]| -> Vec<IpAddr> { group.iter().flat_map(|n| n.addrs()).collect() };
        let (aa, ba) = (addrs(&ga), addrs(&gb));
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let partition = Partition {
            net: self,
            id,
            label,
            healed: false,
        };
        for node in &self.nodes {
            let made = ns::run_in(node.netns.as_fd(), &node.name, || {
                nftables::partition(&node.name, id, &aa, &ba)
            })
            .and_then(|r| r.map_err(|e| io::Error::other(e.to_string())));
            if let Err(e) = made {
                // `partition` drops here and heals what was made.
                return Err(io::Error::new(
                    e.kind(),
                    format!("partition {}: {e}", partition.label),
                ));
            }
        }
        Ok(partition)
    }
}

/// Deletes partition `id`'s table in every namespace that has it.
fn heal_everywhere(net: &Net, id: u64, label: &str) -> io::Result<()> {
    let mut first = None;
    for node in &net.nodes {
        let failed = match ns::run_in(node.netns.as_fd(), &node.name, || {
            nftables::heal(&node.name, id)
        }) {
            Ok(Ok(())) => continue,
            // Never made there (a failed partition stops part way).
            Ok(Err(e)) if e.errno == Some(nix::errno::Errno::ENOENT) => continue,
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        first.get_or_insert(io::Error::other(format!(
            "heal partition {label}: {failed}"
        )));
    }
    first.map_or(Ok(()), Err)
}
