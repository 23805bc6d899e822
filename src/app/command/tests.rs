//! The command parser, through [`parse`] alone.

use super::*;

fn now() -> DateTime<Utc> {
    "2024-03-14T10:00:00Z".parse().unwrap()
}

fn parse_ok(text: &str) -> Command {
    match parse(text, Some("PollBot"), now()) {
        Parsed::Command(c) => c,
        other => panic!("{text:?} gave {other:?}"),
    }
}

fn parse_err(text: &str) -> CommandError {
    match parse(text, Some("PollBot"), now()) {
        Parsed::Malformed(e) => e,
        other => panic!("{text:?} gave {other:?}"),
    }
}

fn new_poll(text: &str) -> NewPoll {
    match parse_ok(text) {
        Command::NewPoll(p) => *p,
        other => panic!("{other:?}"),
    }
}

fn texts(p: &NewPoll) -> Vec<&str> {
    p.options.iter().map(|o| o.as_str()).collect()
}

#[test]
fn new_poll_in_both_forms() {
    let p = new_poll("/newpoll Best fruit? | Apple | Pear ");
    assert_eq!(p.question.as_str(), "Best fruit?");
    assert_eq!(texts(&p), ["Apple", "Pear"]);
    assert!(!p.multiple && !p.anonymous && p.deadline.is_none());

    let p = new_poll("/newpoll@pollbot --multiple --anonymous Best fruit?\nApple\n\n Pear\nPlum");
    assert_eq!(texts(&p), ["Apple", "Pear", "Plum"]);
    assert!(p.multiple && p.anonymous);

    let p = new_poll("/newpoll\nBest fruit?\nApple\nPear");
    assert_eq!(p.question.as_str(), "Best fruit?");
    assert_eq!(texts(&p), ["Apple", "Pear"]);
}

#[test]
fn until_in_all_four_forms() {
    let at = |text: &str| new_poll(text).deadline.unwrap().at().to_rfc3339();
    assert_eq!(
        at("/newpoll --until 2024-03-20 Q? | A | B"),
        "2024-03-20T23:59:59+00:00"
    );
    assert_eq!(
        at("/newpoll --until 2024-03-20 18:30 Q? | A | B"),
        "2024-03-20T18:30:00+00:00"
    );
    assert_eq!(
        at("/newpoll --until 2024-03-20T18:30:00Z Q? | A | B"),
        "2024-03-20T18:30:00+00:00"
    );
    assert_eq!(
        at("/newpoll --until 90m Q? | A | B"),
        "2024-03-14T11:30:00+00:00"
    );
    assert_eq!(
        at("/newpoll —until=14d Q? | A | B"),
        "2024-03-28T10:00:00+00:00"
    );
    let p = new_poll("/newpoll --until 2024-03-20 18:30 When is 18:30 fine?\nYes\nNo");
    assert_eq!(p.question.as_str(), "When is 18:30 fine?");
}

#[test]
fn new_poll_mistakes() {
    use NewPollError as E;
    let e = |text: &str| match parse_err(text) {
        CommandError::NewPoll(e) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(e("/newpoll"), E::Empty);
    assert_eq!(e("/newpoll   \n  \n"), E::Empty);
    assert_eq!(
        e("/newpoll --secret Q? | A | B"),
        E::UnknownFlag("--secret".into())
    );
    assert_eq!(e("/newpoll --until"), E::MissingWhen);
    assert!(matches!(
        e("/newpoll --until soon Q? | A | B"),
        E::Deadline(DeadlineError::Unreadable(_))
    ));
    assert!(matches!(
        e("/newpoll --until 2020-01-01 Q? | A | B"),
        E::Deadline(DeadlineError::InThePast(..))
    ));
    assert_eq!(e("/newpoll Q? | A"), E::Poll(PollError::TooFewOptions(1)));
    assert_eq!(
        e("/newpoll Q? | A | A"),
        E::Poll(PollError::DuplicateOption("A".into()))
    );
    assert_eq!(e("/newpoll Q? | A | | B"), E::Poll(PollError::EmptyOption));
    let thirteen = (1..=13)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(" | ");
    assert_eq!(
        e(&format!("/newpoll Q? | {thirteen}")),
        E::Poll(PollError::TooManyOptions(13))
    );
    let long = "q".repeat(301);
    assert_eq!(
        e(&format!("/newpoll {long} | A | B")),
        E::Poll(PollError::QuestionTooLong(301))
    );
}

#[test]
fn newest_flags_each_set_exactly_their_field() {
    let none = new_poll("/newpoll Q? | A | B").features;
    assert_eq!(none, PollFeatures::default());
    let hidden = new_poll("/newpoll --hidden Q? | A | B").features;
    assert_eq!(
        hidden,
        PollFeatures {
            hidden: true,
            ..PollFeatures::default()
        }
    );
    let final_votes = new_poll("/newpoll --final Q? | A | B").features;
    assert_eq!(
        final_votes,
        PollFeatures {
            final_votes: true,
            ..PollFeatures::default()
        }
    );
    let open = new_poll("/newpoll --open Q? | A | B").features;
    assert_eq!(
        open,
        PollFeatures {
            open: true,
            ..PollFeatures::default()
        }
    );
    let shuffle = new_poll("/newpoll —shuffle Q? | A | B").features;
    assert_eq!(
        shuffle,
        PollFeatures {
            shuffle: true,
            ..PollFeatures::default()
        }
    );
    let p =
        new_poll("/newpoll --multiple --HIDDEN --final --open --shuffle --until 90m Q? | A | B");
    assert!(p.multiple && !p.anonymous);
    assert_eq!(
        p.deadline.unwrap().at().to_rfc3339(),
        "2024-03-14T11:30:00+00:00"
    );
    assert_eq!(
        p.features,
        PollFeatures {
            hidden: true,
            final_votes: true,
            open: true,
            shuffle: true,
            description: None,
            ..PollFeatures::default()
        }
    );
    assert_eq!(p.question.as_str(), "Q?");
    assert_eq!(texts(&p), ["A", "B"]);
}

#[test]
fn description_is_the_quoted_lines_under_the_question() {
    let description = |p: &NewPoll| {
        p.features
            .description
            .as_ref()
            .map(|d| d.as_str().to_owned())
    };
    let p = new_poll("/newpoll --hidden Best fruit?\n> Think of taste.\nApple\nPear");
    assert_eq!(p.question.as_str(), "Best fruit?");
    assert_eq!(description(&p).as_deref(), Some("Think of taste."));
    assert_eq!(texts(&p), ["Apple", "Pear"]);
    assert!(p.features.hidden);

    // Question on its own line; two quoted lines are one description.
    let p = new_poll("/newpoll\nBest fruit?\n>  First line \n\n>Second\nApple\nPear");
    assert_eq!(description(&p).as_deref(), Some("First line\nSecond"));
    assert_eq!(texts(&p), ["Apple", "Pear"]);

    // After the one-line form.
    let p = new_poll("/newpoll Q? | A | B\n> Why we ask");
    assert_eq!(description(&p).as_deref(), Some("Why we ask"));
    assert_eq!(texts(&p), ["A", "B"]);

    // A `>` among the options is an option.
    let p = new_poll("/newpoll Q?\nA\n> 50\nB");
    assert_eq!(description(&p), None);
    assert_eq!(texts(&p), ["A", "> 50", "B"]);

    // Telegram's 1,024, counted as Telegram counts (UTF-16).
    let p = new_poll(&format!("/newpoll Q?\n> {}\nA\nB", "д".repeat(1024)));
    assert_eq!(description(&p).map(|d| d.chars().count()), Some(1024));
}

#[test]
fn newest_flag_mistakes() {
    use NewPollError as E;
    let e = |text: &str| match parse_err(text) {
        CommandError::NewPoll(e) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        e("/newpoll --open --anonymous Q? | A | B"),
        E::OpenAnonymous
    );
    assert_eq!(
        e("/newpoll --anonymous --open Q? | A | B"),
        E::OpenAnonymous
    );
    assert_eq!(
        e("/newpoll --hiden Q? | A | B"),
        E::UnknownFlag("--hiden".into())
    );
    assert_eq!(
        e("/newpoll --final=yes Q? | A | B"),
        E::UnknownFlag("--final=yes".into())
    );
    assert_eq!(
        e("/newpoll Q?\n>\nA\nB"),
        E::Poll(PollError::EmptyDescription)
    );
    assert_eq!(
        e("/newpoll Q?\n> \u{200b}\nA\nB"),
        E::Poll(PollError::EmptyDescription)
    );
    assert_eq!(
        e(&format!("/newpoll Q?\n> {}\nA\nB", "д".repeat(1025))),
        E::Poll(PollError::DescriptionTooLong(1025))
    );
    assert_eq!(
        e(&format!("/newpoll Q?\n> {}\nA\nB", "👍".repeat(513))),
        E::Poll(PollError::DescriptionTooLong(1026))
    );
    // A description is no option: still too few.
    assert_eq!(
        e("/newpoll Q?\n> about\nA"),
        E::Poll(PollError::TooFewOptions(1))
    );
}

#[test]
fn poll_references_and_bot_names() {
    assert_eq!(parse_ok("/results"), Command::Results(PollRef::Implicit));
    assert_eq!(parse_ok("/results 3"), Command::Results(PollRef::Number(3)));
    assert_eq!(
        parse_ok("/results@PollBot #3"),
        Command::Results(PollRef::Number(3))
    );
    assert_eq!(
        parse_ok("/RESULTS@pollbot #3"),
        Command::Results(PollRef::Number(3))
    );
    assert_eq!(
        parse("/results@OtherBot 3", Some("PollBot"), now()),
        Parsed::NotForUs
    );
    // Before the bot knows its name, any bot's suffix is taken as its own.
    assert_eq!(
        parse("/results@OtherBot 3", None, now()),
        Parsed::Command(Command::Results(PollRef::Number(3)))
    );
    assert_eq!(parse("hello", Some("PollBot"), now()), Parsed::NotForUs);
    assert_eq!(parse("/", Some("PollBot"), now()), Parsed::NotForUs);
    assert_eq!(
        parse_err("/close three"),
        CommandError::BadPollRef {
            command: "/close",
            arg: "three".into()
        }
    );
    assert_eq!(
        parse_err("/close #0"),
        CommandError::BadPollRef {
            command: "/close",
            arg: "#0".into()
        }
    );
    assert_eq!(
        parse_err("/close 1 2"),
        CommandError::ExtraArguments { command: "/close" }
    );
    assert_eq!(
        parse("/frobnicate", Some("PollBot"), now()),
        Parsed::Unknown {
            name: "/frobnicate".into(),
            addressed: false
        }
    );
}

#[test]
fn export_takes_poll_and_format_in_any_order() {
    use ExportFormat::*;
    assert_eq!(parse_ok("/export"), Command::Export(PollRef::Implicit, Csv));
    assert_eq!(
        parse_ok("/export json"),
        Command::Export(PollRef::Implicit, Json)
    );
    assert_eq!(
        parse_ok("/export 2 JSON"),
        Command::Export(PollRef::Number(2), Json)
    );
    assert_eq!(
        parse_ok("/export csv #2"),
        Command::Export(PollRef::Number(2), Csv)
    );
    assert_eq!(
        parse_err("/export xml"),
        CommandError::BadExportArgument("xml".into())
    );
    assert_eq!(
        parse_err("/export 1 2"),
        CommandError::BadExportArgument("2".into())
    );
}

#[test]
fn report_takes_a_poll_and_a_profile_poll() {
    assert_eq!(
        parse_ok("/report"),
        Command::Report(PollRef::Implicit, None)
    );
    assert_eq!(
        parse_ok("/report 3 --by 2"),
        Command::Report(PollRef::Number(3), Some(2))
    );
    assert_eq!(
        parse_ok("/report —by #2 #3"),
        Command::Report(PollRef::Number(3), Some(2))
    );
    assert_eq!(
        parse_err("/report --by"),
        CommandError::BadReportArgument("--by ".into())
    );
    assert_eq!(
        parse_err("/report --by age"),
        CommandError::BadReportArgument("--by age".into())
    );
    assert_eq!(
        parse_err("/report 1 2"),
        CommandError::BadReportArgument("2".into())
    );
    assert_eq!(
        parse_err("/report html"),
        CommandError::BadReportArgument("html".into())
    );
}

#[test]
fn share_and_post_arguments() {
    let share = |poll, off| Command::Share {
        poll,
        action: if off {
            ShareAction::Revoke
        } else {
            ShareAction::Give
        },
    };
    assert_eq!(parse_ok("/share"), share(PollRef::Implicit, false));
    assert_eq!(parse_ok("/share 3"), share(PollRef::Number(3), false));
    assert_eq!(parse_ok("/share #3 OFF"), share(PollRef::Number(3), true));
    assert_eq!(parse_ok("/share off"), share(PollRef::Implicit, true));
    assert_eq!(
        parse_err("/share on"),
        CommandError::BadShareArgument("on".into())
    );
    assert_eq!(
        parse_err("/share 1 2"),
        CommandError::BadShareArgument("2".into())
    );
    assert_eq!(
        parse_err("/share off off"),
        CommandError::BadShareArgument("off".into())
    );
    let code = ShareCode::parse("J7QK-2MXA").unwrap();
    assert_eq!(parse_ok("/post J7QK-2MXA"), Command::Post(code.clone()));
    assert_eq!(parse_ok("/post@PollBot j7qk 2mxa"), Command::Post(code));
    assert_eq!(parse_err("/post"), CommandError::PostMissingCode);
    assert_eq!(parse_err("/post   "), CommandError::PostMissingCode);
    assert_eq!(
        parse_err("/post J7QK-2MX0"),
        CommandError::PostBadCode("J7QK-2MX0".into())
    );
    assert!(Command::Post(ShareCode::parse("22222222").unwrap()).needs_moderator());
    assert!(share(PollRef::Implicit, true).needs_moderator());
    assert!(is_known("/share@PollBot 2") && is_known("/post X"));
}

#[test]
fn lang_codes() {
    assert_eq!(parse_ok("/lang zh"), Command::Lang(Language::Chinese));
    assert_eq!(parse_ok("/lang EN"), Command::Lang(Language::English));
    assert_eq!(parse_err("/lang"), CommandError::LangMissing);
    assert_eq!(
        parse_err("/lang xx"),
        CommandError::LangUnknown("xx".into())
    );
}
