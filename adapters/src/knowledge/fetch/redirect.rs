//! Redirects, followed by hand (the client follows none) so that every hop's URL goes through the
//! same checks as the first one.

use super::error::FetchError;
use super::target::check_url;
use reqwest::header::LOCATION;
use reqwest::{Response, StatusCode, Url};

/// The URL `response` redirects to, resolved against `current` and checked; `None` when the
/// response is not a redirect.
pub(crate) fn redirect_target(
    response: &Response,
    current: &Url,
) -> Result<Option<Url>, FetchError> {
    let status = response.status();
    if !is_redirect(status) {
        return Ok(None);
    }
    let location = response
        .headers()
        .get(LOCATION)
        .ok_or(FetchError::HttpStatus {
            status: status.as_u16(),
        })?
        .to_str()
        .map_err(|_| FetchError::InvalidUrl("the redirect location is not text".to_owned()))?;
    let next = current
        .join(location)
        .map_err(|error| FetchError::InvalidUrl(format!("redirect to {location:?}: {error}")))?;
    check_url(&next)?;
    Ok(Some(next))
}

/// The statuses that carry a `Location` to follow (all fetches are GETs, so 303 needs no
/// special case).
fn is_redirect(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    )
}
