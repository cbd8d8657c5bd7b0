use super::*;

fn post(network: PostNetwork) -> WritingTask {
    WritingTask::PostCopy {
        text: "new kurtas in store. 20% off till sunday!".to_owned(),
        network,
        tone: Some("playful".to_owned()),
    }
}

#[test]
fn a_post_is_asked_for_its_network_and_tone_and_read_with_clean_hashtags() {
    let task = post(PostNetwork::Instagram);
    let system = task.system();
    assert!(
        system.contains("instagram") && system.contains("playful tone"),
        "{system}"
    );
    assert!(
        system.contains("{\"text\": string, \"hashtags\": [string]}"),
        "{system}"
    );
    let answer = "```json\n{\"text\": \"Fresh kurtas just landed! 20% off till Sunday.\", \"hashtags\": [\"#Kurta\", \"ethnic wear\", \"kurta\", \"#\", \"#SundaySale\"]}\n```";
    assert_eq!(
        task.read(answer),
        Ok(Written::PostCopy {
            text: "Fresh kurtas just landed! 20% off till Sunday.".to_owned(),
            hashtags: vec!["#Kurta".into(), "#ethnicwear".into(), "#SundaySale".into()],
        })
    );
}

#[test]
fn answers_that_are_not_what_was_asked_are_malformed() {
    let task = post(PostNetwork::Instagram);
    for answer in [
        "Sure! Here is your post.",
        "[1, 2]",
        "{\"hashtags\": []}",
        "{\"text\": \"  \"}",
        "{\"text\": \"ok\", \"hashtags\": \"#one\"}",
        "{\"text\": \"ok\", \"hashtags\": [1]}",
    ] {
        assert!(
            matches!(task.read(answer), Err(WriterError::Malformed(_))),
            "{answer}"
        );
    }
    let too_long = format!("{{\"text\": \"{}\"}}", "a".repeat(2_201));
    assert!(
        task.read(&too_long).is_err(),
        "over Instagram's caption length"
    );
    assert!(post(PostNetwork::Facebook).read(&too_long).is_ok());
}

#[test]
fn hashtags_are_capped() {
    let tags: Vec<String> = (0..40).map(|n| format!("\"#tag{n}\"")).collect();
    let answer = format!("{{\"text\": \"ok\", \"hashtags\": [{}]}}", tags.join(","));
    let Ok(Written::PostCopy { hashtags, .. }) = post(PostNetwork::Instagram).read(&answer) else {
        panic!("read");
    };
    assert_eq!(hashtags.len(), MAX_HASHTAGS);
}

#[test]
fn a_media_prompt_is_asked_for_its_medium() {
    let video = WritingTask::MediaPrompt {
        prompt: "a kurta on a model".to_owned(),
        medium: Medium::Video,
    };
    assert!(video.system().contains("camera movement"));
    let image = WritingTask::MediaPrompt {
        prompt: "a kurta on a model".to_owned(),
        medium: Medium::Image,
    };
    assert!(!image.system().contains("camera movement"));
    assert_eq!(
        image.read("{\"prompt\": \"A model in an indigo cotton kurta, soft daylight\"}"),
        Ok(Written::MediaPrompt {
            prompt: "A model in an indigo cotton kurta, soft daylight".to_owned()
        })
    );
    let long = format!(
        "{{\"prompt\": \"{}\"}}",
        "b".repeat(MAX_MEDIA_PROMPT_CHARS + 1)
    );
    assert!(image.read(&long).is_err());
}
