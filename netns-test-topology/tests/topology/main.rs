//! The topology language through its public API: the plan of every valid
//! text, the exact error for every rule, and no panic on any input.

mod a_bridge_should;
mod a_forward_should;
mod a_link_should;
mod a_nat_should;
mod a_node_should;
mod a_route_should;
mod a_sysctl_should;
mod a_topology_should;
mod an_address_should;
mod an_error_should;
mod an_impaired_link_should;
mod an_interface_name_should;
mod parsing_should;
mod support;
