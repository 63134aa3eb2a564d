use super::{Report, ReportError};

pub fn parse(_text: &str) -> Result<Report, ReportError> {
    Ok(Report::default())
}
