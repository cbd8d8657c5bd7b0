//! Remote embeddings through the engine's synchronous `Embedder`, called from a plain thread as
//! the engine's blocking pool would: vectors come back in input order whatever order the server
//! lists them in, and inputs are sent in batches.

use super::fake_server::{Reply, serve};
use botwot_adapters::llm::{EmbeddingsTarget, OpenAiEmbeddings, RetryPolicy};
use botwot_engine::knowledge::Embedder;
use std::time::Duration;

/// Answers each input `i` of a batch with the vector `[first + i, 0.5]`, listed in reverse
/// index order, as OpenAI's published response shape.
fn embeddings_answer(inputs: &[serde_json::Value]) -> String {
    let data: Vec<serde_json::Value> = inputs
        .iter()
        .enumerate()
        .rev()
        .map(|(index, input)| {
            let value: f32 = input
                .as_str()
                .and_then(|text| text.strip_prefix("text "))
                .and_then(|number| number.parse().ok())
                .expect("inputs are `text N`");
            serde_json::json!({"object": "embedding", "index": index, "embedding": [value, 0.5]})
        })
        .collect();
    serde_json::json!({
        "object": "list",
        "data": data,
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 8, "total_tokens": 8}
    })
    .to_string()
}

#[test]
fn vectors_come_back_in_input_order_across_batches() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (base, seen) = runtime.block_on(serve(|request, _| {
        assert_eq!(request.path_and_query, "/v1/embeddings");
        assert_eq!(request.header("authorization"), Some("Bearer sk-embed"));
        let body = request.json();
        assert_eq!(body["model"], "text-embedding-3-small");
        Reply::json(embeddings_answer(
            body["input"].as_array().expect("input is a list"),
        ))
    }));
    let embedder = OpenAiEmbeddings::new(EmbeddingsTarget {
        base_url: format!("{base}/v1"),
        api_key: Some("sk-embed".into()),
        model: "text-embedding-3-small".into(),
        dimensions: 2,
        batch_size: 2,
        request_timeout: Duration::from_secs(5),
        retry: RetryPolicy::default(),
    });
    let texts = ["text 0", "text 1", "text 2", "text 3", "text 4"];
    let vectors = embedder.embed(&texts).expect("vectors");
    let firsts: Vec<f32> = vectors.iter().map(|vector| vector[0]).collect();
    assert_eq!(firsts, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(embedder.dimensions(), 2);
    let batches: Vec<usize> = seen
        .all()
        .iter()
        .map(|request| request.json()["input"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(batches, vec![2, 2, 1]);
    drop(embedder);
}

#[test]
fn vectors_of_the_wrong_length_are_refused() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (base, _) = runtime.block_on(serve(|request, _| {
        Reply::json(embeddings_answer(
            request.json()["input"].as_array().expect("input"),
        ))
    }));
    let embedder = OpenAiEmbeddings::new(EmbeddingsTarget {
        base_url: base,
        api_key: None,
        model: "m".into(),
        dimensions: 3,
        batch_size: 8,
        request_timeout: Duration::from_secs(5),
        retry: RetryPolicy::default(),
    });
    assert!(embedder.embed(&["text 1"]).is_err());
}
