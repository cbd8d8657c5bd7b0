//! LLM provider and brain tests against a local server speaking OpenAI chat completions (plain
//! and streamed), OpenAI embeddings, Azure OpenAI and Bedrock Converse, with payloads shaped
//! like the providers' published examples: parsing, request shapes and signatures, retries,
//! timeouts, the circuit breaker, and the LLM brain's prompt and fallbacks.

mod bedrock;
mod brain;
mod embeddings;
mod fake_server;
mod openai;
mod resilience;
mod tools;
