//! The cluster building blocks against real services: Redis (`BOTWOT_TEST_REDIS_URL`, default
//! `redis://127.0.0.1:6379`) and RabbitMQ (`BOTWOT_TEST_AMQP_URL`, default
//! `amqp://guest:guest@127.0.0.1:5672/%2f`). A missing service fails the tests; start them with
//! `bash deploy/test-services.sh`. Every test uses its own key prefix or queue names.

mod lease;
mod membership;
mod shard_queues;
mod support;
