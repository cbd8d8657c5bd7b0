//! Reads a response body up to a byte limit. The limit is counted on the bytes as they arrive,
//! so a missing or lying `Content-Length` (or a chunked body) cannot get past it; an honest
//! `Content-Length` over the limit is refused before reading anything.

use super::error::FetchError;
use reqwest::Response;

/// The whole body of `response`, refused with [`FetchError::TooLarge`] past `limit` bytes.
pub(crate) async fn read_limited_body(
    mut response: Response,
    limit: u64,
) -> Result<Vec<u8>, FetchError> {
    let too_large = FetchError::TooLarge { limit };
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| FetchError::network(&error))?
    {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
