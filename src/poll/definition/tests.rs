//! Unit tests of `definition`.

use super::*;

#[test]
fn a_poll_stored_before_the_new_flags_opens_with_them_off() {
    let poll = Poll {
        id: PollId {
            chat: ChatId(-100),
            number: PollNumber(1),
        },
        question: PollQuestion::parse("Q?").unwrap(),
        options: PollOptions::parse(&["A", "B"]).unwrap(),
        multiple: false,
        anonymous: false,
        created_at: "2024-03-14T10:00:00Z".parse().unwrap(),
        deadline: None,
        state: PollState::Open,
        closed_at: None,
        results_announced: false,
        message_id: MessageId(5),
        telegram_id: "p".into(),
        thread: None,
        features: PollFeatures {
            hidden: true,
            final_votes: true,
            open: false,
            shuffle: true,
            description: Some(PollDescription::parse("Why").unwrap()),
            option_persistent_ids: vec!["x".into(), "y".into()],
            ..PollFeatures::default()
        },
    };
    let mut stored = serde_json::to_value(&poll).unwrap();
    assert_eq!(
        stored["features"],
        serde_json::json!({"hidden": true, "final_votes": true, "open": false,
            "shuffle": true, "description": "Why", "option_persistent_ids": ["x", "y"]})
    );
    let back: Poll = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(back, poll);
    assert!(back.results_hidden());
    stored.as_object_mut().unwrap().remove("features");
    let old: Poll = serde_json::from_value(stored).unwrap();
    assert_eq!(old.features, PollFeatures::default());
    assert!(!old.results_hidden());
    // A stored description over the limit is corrupt, not accepted.
    let mut bad = serde_json::to_value(&poll).unwrap();
    bad["features"]["description"] = "x".repeat(1025).into();
    assert!(serde_json::from_value::<Poll>(bad).is_err());
}

#[test]
fn emoji_count_as_telegram_counts_them() {
    assert!(PollQuestion::parse(&"👍".repeat(150)).is_ok());
    assert_eq!(
        PollQuestion::parse(&"👍".repeat(151)),
        Err(PollError::QuestionTooLong(302))
    );
}

#[test]
fn question_length_is_counted_in_characters_not_bytes() {
    let chinese = "合".repeat(300);
    assert!(PollQuestion::parse(&chinese).is_ok());
    assert_eq!(
        PollQuestion::parse(&"合".repeat(301)),
        Err(PollError::QuestionTooLong(301))
    );
}

#[test]
fn options_reject_duplicates_and_bad_counts() {
    assert_eq!(
        PollOptions::parse(&["Yes", "No", "Yes"]),
        Err(PollError::DuplicateOption("Yes".into()))
    );
    assert_eq!(
        PollOptions::parse(&["Yes"]),
        Err(PollError::TooFewOptions(1))
    );
    let thirteen: Vec<String> = (1..=13).map(|i| i.to_string()).collect();
    assert_eq!(
        PollOptions::parse(&thirteen),
        Err(PollError::TooManyOptions(13))
    );
    assert_eq!(
        PollOptions::parse(&["Yes", " "]),
        Err(PollError::EmptyOption)
    );
    let long = "x".repeat(101);
    assert_eq!(
        PollOptions::parse(&["Yes", long.as_str()]),
        Err(PollError::OptionTooLong(long.clone(), 101))
    );
    assert_eq!(PollOptions::parse(&["Yes", "No"]).unwrap().len(), 2);
}

#[test]
fn options_that_differ_only_in_case_or_normalization_are_duplicates() {
    assert_eq!(
        PollOptions::parse(&["Yes", "No", "yes"]),
        Err(PollError::DuplicateOption("yes".into()))
    );
    assert_eq!(
        PollOptions::parse(&["YES ", " no", "No"]),
        Err(PollError::DuplicateOption("No".into()))
    );
    // "café" precomposed and with a combining accent.
    assert_eq!(
        PollOptions::parse(&["caf\u{e9}", "cafe\u{301}"]),
        Err(PollError::DuplicateOption("cafe\u{301}".into()))
    );
    // Full-width letters are the same word after NFKC.
    assert_eq!(
        PollOptions::parse(&["Yes", "\u{ff39}\u{ff45}\u{ff53}"]),
        Err(PollError::DuplicateOption(
            "\u{ff39}\u{ff45}\u{ff53}".into()
        ))
    );
    // A zero-width space inside a word does not make it another option.
    assert_eq!(
        PollOptions::parse(&["Yes", "Y\u{200b}es"]),
        Err(PollError::DuplicateOption("Y\u{200b}es".into()))
    );
    // Different words stay different, in any script.
    assert_eq!(
        PollOptions::parse(&["Энергия", "энергетика", "能源", "Energy"])
            .unwrap()
            .len(),
        4
    );
    // The option keeps the text its author wrote.
    let options = PollOptions::parse(&[" Caf\u{e9} ", "Tea"]).unwrap();
    assert_eq!(options.get(0).unwrap().as_str(), "Caf\u{e9}");
}

#[test]
fn invisible_options_and_questions_are_empty() {
    for invisible in [
        "\u{200b}",
        "\u{200b}\u{200c}\u{200d}",
        "\u{feff}",
        " \u{2060} ",
        "\u{200e}\u{200f}",
        "\u{202e}",
        "\u{3164}",
        "\u{2800}",
        "\u{fe0f}",
        "\u{e0020}\u{e007f}",
        "\u{ad}",
        "\u{0}\u{7}",
    ] {
        assert_eq!(
            PollOptions::parse(&["Yes", invisible]),
            Err(PollError::EmptyOption),
            "{invisible:?}"
        );
        assert_eq!(
            PollQuestion::parse(invisible),
            Err(PollError::EmptyQuestion),
            "{invisible:?}"
        );
    }
    // Visible text with invisible characters around it is fine.
    assert_eq!(
        OptionText::parse("\u{200b}Yes\u{200b}").unwrap().as_str(),
        "\u{200b}Yes\u{200b}"
    );
    assert!(OptionText::parse("👍").is_ok());
    assert!(OptionText::parse("1").is_ok());
}

#[test]
fn stored_polls_decode_even_if_todays_rules_would_refuse_them() {
    // Written before options were compared after normalization.
    let stored = r#"["Yes","yes","\u200b"]"#;
    let options: PollOptions = serde_json::from_str(stored).unwrap();
    assert_eq!(options.len(), 3);
    assert!(serde_json::from_str::<PollOptions>(r#"["Yes","Yes"]"#).is_err());
    assert!(serde_json::from_str::<PollOptions>(r#"["Yes"," "]"#).is_err());
}

#[test]
fn poll_id_parses_chat_and_number() {
    let id: PollId = "-1001234567890:3".parse().unwrap();
    assert_eq!(id.chat, ChatId(-1001234567890));
    assert_eq!(id.number, PollNumber(3));
    assert!("12".parse::<PollId>().is_err());
    assert!("12:0".parse::<PollId>().is_err());
    assert!("x:1".parse::<PollId>().is_err());
}
