//! The blob store conformance suite. Every case in [`cases`] is a function of a
//! [`fixtures::Fixture`] and runs against both stores: `local::<case>` on a fresh temporary
//! directory, `s3::<case>` on a fresh bucket of the S3 test server (`BOTWOT_TEST_S3_ENDPOINT`,
//! default `http://127.0.0.1:9000`, moto from `deploy/test-services.sh`; the tests fail when it
//! is not running). [`local_only`] and [`s3_only`] hold what only one store promises.

mod cases;
mod fixtures;
mod local_only;
mod s3_only;

/// One test module per store, one test per case.
macro_rules! suite {
    ($store:ident, $fixture:ty, $($case:ident),* $(,)?) => {
        mod $store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() -> anyhow::Result<()> {
                    let fixture = <$fixture>::new().await?;
                    let outcome = crate::cases::$case(&fixture).await;
                    crate::fixtures::Fixture::cleanup(fixture).await?;
                    outcome
                }
            )*
        }
    };
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        suite!(local, crate::fixtures::LocalFixture, $($case),*);
        suite!(s3, crate::fixtures::S3Fixture, $($case),*);
    };
}

conformance!(
    round_trip_including_a_large_blob,
    a_put_replaces_what_was_there,
    a_missing_key_reads_as_none,
    deleting_is_idempotent,
    listing_returns_keys_with_the_prefix_in_lexical_order,
    deleting_a_prefix_removes_only_its_keys,
    invalid_keys_are_refused,
    concurrent_puts_to_different_keys_all_land,
    a_second_instance_sees_the_first_ones_blobs,
);
