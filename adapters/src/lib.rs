//! Adapters between the engine's ports and the outside world.
//!
//! Brains answer for bots ([`brain::ProfileBrain`] answers from the bot's own profile,
//! [`brain::KnowledgeBrain`] with sentences lifted from its knowledge bases, [`llm::LlmBrain`]
//! from retrieved knowledge with a language model, falling back to the local brain whenever it
//! cannot, and [`brain::BrainRouter`] picks one per bot); channel senders deliver outbound messages, and
//! [`channels::ChannelRouter`] sends each one to the sender of its channel. The web widget's
//! sender lives in `botwot-http`, beside the Socket.IO server it emits on.
//!
//! [`meta`] reads Meta's messaging webhooks (WhatsApp Cloud API first; Messenger and Instagram
//! next): signature and handshake checks, and payloads turned into flat events for the engine.
//! [`meta::graph`] sends outbound messages on those channels through the Graph API.
//!
//! [`embeddings`] turns text into vectors for knowledge retrieval: all-MiniLM-L6-v2 run locally
//! with candle when installed, else a hashing embedder.
//!
//! [`auth`] holds the API's authentication pieces: HS256 access tokens with a rotating key ring,
//! refresh tokens with reuse detection, argon2id password hashes and one-time codes (the light
//! `botwot-credentials` crate, which the fuzz targets build alone); [`mail`] the mailers that
//! deliver those codes.
//!
//! [`llm`] holds the language-model providers (OpenAI and compatible servers, Azure OpenAI, AWS
//! Bedrock Converse with SigV4 signing), the resilience wrapper (timeouts, retries, circuit
//! breaker), remote OpenAI embeddings and the prompt the LLM brain sends.
//!
//! [`extract`] turns uploaded documents (PDF, DOCX, XLSX, CSV, JSON, HTML, Markdown, text) into
//! sections of text for knowledge bases, refusing hostile files within bounded memory and time
//! (the light `botwot-extract` crate, which the fuzz targets build alone).
//!
//! [`razorpay`] implements the engine's payment provider port over Razorpay's REST API.
//! [`shopify`] implements the engine's Shopify Admin port (shops, orders, tags, webhook
//! subscriptions).
//!
//! Voice calls: [`twilio`] implements the engine's telephony port over Twilio's REST API (the
//! organisation's numbers, placing calls, a call's status) and writes BotWot's own TwiML;
//! [`elevenlabs`] implements its conversational AI port over ElevenLabs' Agents API (handing a
//! call to an agent, finding a call's report) and lists the voices agents can speak with.
//!
//! [`knowledge`] implements the engine's ingestion ports: [`knowledge::LimitedDocumentExtractor`]
//! (uploads, over [`extract`]) and [`knowledge::WebPageFetcher`] (URL documents over reqwest,
//! refusing private addresses, endless redirects, huge bodies and slow servers).

#![forbid(unsafe_code)]

pub use botwot_credentials as auth;
pub mod brain;
pub mod channels;
pub mod elevenlabs;
pub mod embeddings;
mod error_chain;
mod excerpt;
pub use botwot_extract as extract;
mod api_url;
pub mod knowledge;
pub mod llm;
pub mod mail;
pub mod meta;
pub mod razorpay;
pub mod shopify;
mod system_clock;
pub mod twilio;
mod voice_api;
