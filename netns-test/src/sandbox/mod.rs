use crate::Net;
use crate::__private::TestDef;
pub(crate) fn run(_def: &'static TestDef, _body: fn(&Net) -> Result<(), String>) {}
