//! Net and Node (stub).
/// The test's network.
pub struct Net {}
/// One namespace of the test's network.
pub struct Node {}
