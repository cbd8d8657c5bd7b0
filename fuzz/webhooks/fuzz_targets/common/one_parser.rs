//! What every channel's webhook parser must hold, whatever the bytes: no panic; a refused body
//! has a stable `payload_*` code; every event of an accepted body is of the parser's channel;
//! and reading the same bytes twice gives the same events.

use botwot_engine::Channel;
use botwot_webhooks::meta::{MetaEvent, PayloadError};

pub fn check(
    body: &[u8],
    parse: fn(&[u8]) -> Result<Vec<MetaEvent>, PayloadError>,
    channel: Channel,
) {
    let first = parse(body);
    match &first {
        Err(error) => assert!(error.code().starts_with("payload_"), "{error:?}"),
        Ok(events) => {
            for event in events {
                assert_eq!(event.channel(), channel, "{event:?}");
            }
        }
    }
    assert_eq!(first, parse(body), "the same body read twice");
}
