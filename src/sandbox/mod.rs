mod payload;
mod result;

pub use payload::{Payload, PayloadError, PayloadLimits};
pub use result::{CapturedOutput, ExecutionResult};
