//! The full report on a real sled database: the facts the store keeps for
//! it (first votes, changers, withdrawals, distinct approvers), the
//! per-option sections, the timeline, the profile cross-tab and its
//! refusals, the page's escaping, and the demo's report.

use pollbot::app::load::full_report_data;
mod common;

use chrono::{DateTime, Utc};
use common::records::{apply_all, at, open_poll, person, start};
use pollbot::i18n::Language;
use pollbot::ingest::Event;
use pollbot::poll::{ChatId, MessageId, UserId};
use pollbot::poll::{Person, Poll, PollId, PollNumber};
use pollbot::report::{
    BucketUnit, Cell, FullReport, FullReportData, FullReportError, write_full_report,
};
use pollbot::store::Store;

const CHAT: i64 = -100888;

/// Telegram's id of poll number `n` in these tests.
fn telegram_id(n: u32) -> String {
    format!("tg-{n}")
}

struct NewPoll<'a> {
    options: &'a [&'a str],
    multiple: bool,
    anonymous: bool,
    question: &'a str,
}

fn create(store: &Store, new: NewPoll) -> PollId {
    store
        .write(|changes| {
            changes.create_poll(ChatId(CHAT), |id| Poll {
                multiple: new.multiple,
                anonymous: new.anonymous,
                ..open_poll(
                    id,
                    new.question,
                    new.options,
                    10 * id.number.0 as i32,
                    &telegram_id(id.number.0),
                    start(),
                )
            })
        })
        .unwrap()
        .id
}

fn poll(store: &Store, options: &[&str]) -> PollId {
    create(
        store,
        NewPoll {
            options,
            multiple: false,
            anonymous: false,
            question: "Which one?",
        },
    )
}

fn vote_in(poll: PollId, user: i64, options: &[u32], minute: i64) -> Event {
    Event::Vote {
        telegram_poll_id: telegram_id(poll.number.0),
        voter: person(user),
        option_ids: options.to_vec(),
        option_persistent_ids: Vec::new(),
        at: at(minute),
    }
}

fn comment(poll: PollId, message_id: i32, user: i64, text: &str) -> Event {
    Event::Reply {
        chat: ChatId(CHAT),
        sender: None,
        replied_option: None,
        replied_poll: None,
        message_id: MessageId(message_id),
        reply_to: MessageId(10 * poll.number.0 as i32),
        author: Some(person(user)),
        text: Some(text.into()),
        at: at(i64::from(message_id)),
    }
}

fn approve(message_id: i32, user: i64, approves: bool) -> Event {
    let thumbs = vec!["👍".to_owned()];
    let (old, new) = if approves {
        (vec![], thumbs)
    } else {
        (thumbs, vec![])
    };
    Event::Reaction {
        chat: ChatId(CHAT),
        message_id: MessageId(message_id),
        user: UserId(user),
        old,
        new,
    }
}

fn close(store: &Store, id: PollId, minute: i64) {
    store
        .write(|changes| changes.close_poll(id, at(minute)))
        .unwrap();
}

fn load(store: &Store, id: PollId, by: Option<u32>) -> Result<FullReportData, FullReportError> {
    full_report_data(
        store,
        id,
        by.map(PollNumber),
        pollbot::report::Scope::Campaign,
    )
}

/// `report.html` of poll `id` (crossed with `by`) in English, as `/report`
/// writes it.
fn write(
    store: &Store,
    id: PollId,
    by: Option<PollNumber>,
    html: &mut Vec<u8>,
) -> Result<FullReport, FullReportError> {
    let data = load(store, id, by.map(|n| n.0))?;
    write_full_report(&data, Language::English, html)
}

#[test]
fn each_options_ranking_counts_only_that_options_voters() {
    let store = Store::temporary().unwrap();
    let id = poll(&store, &["A", "B", "C"]);
    apply_all(
        &store,
        &[
            vote_in(id, 1, &[0], 1),
            vote_in(id, 2, &[1], 1),
            vote_in(id, 3, &[1], 1),
            // 4 first chose A, then B: their comments are B's.
            vote_in(id, 4, &[0], 1),
            vote_in(id, 4, &[1], 2),
            comment(id, 101, 1, "A voter, 2 approvals"),
            comment(id, 102, 2, "B voter, 9 approvals"),
            comment(id, 103, 4, "Changed to B, 5 approvals"),
            comment(id, 104, 9, "Never voted, 20 approvals"),
            comment(id, 105, 1, "A voter again, no approvals"),
            comment(id, 106, 3, "B voter, 1 approval"),
            comment(id, 107, 3, "B voter, 5 approvals, later"),
        ],
    );
    let approvals = [(101, 2), (102, 9), (103, 5), (104, 20), (106, 1), (107, 5)];
    let mut events = Vec::new();
    for (message, count) in approvals {
        for user in 0..count {
            events.push(approve(message, 1000 + user, true));
        }
    }
    apply_all(&store, &events);

    let data = load(&store, id, None).unwrap();
    let order: Vec<usize> = data.sections.iter().map(|s| s.index).collect();
    // B (3 votes), A (1), C (0).
    assert_eq!(order, [1, 0, 2]);
    let ids = |i: usize| -> Vec<i32> {
        data.sections[i]
            .top
            .iter()
            .map(|c| c.message_id.0)
            .collect()
    };
    assert_eq!(data.sections[0].comments, 4);
    // 102 (9), then 103 and 107 (5 each, the earlier first); never 104.
    assert_eq!(ids(0), [102, 103, 107]);
    assert_eq!(data.sections[1].comments, 2);
    assert_eq!(ids(1), [101, 105]);
    assert_eq!(data.sections[2].comments, 0);
    assert!(ids(2).is_empty());
    assert_eq!(data.comments, 7);
    assert_eq!(data.approvals, 42);
    assert_eq!(data.leader().unwrap().index, 1);
    assert_eq!(data.most_discussed().unwrap().index, 1);
    // 20 reactions from users 1000..1019: distinct approvers.
    assert_eq!(data.report.tally.approvers, 20);
}

#[test]
fn changed_and_withdrawn_votes_are_counted_exactly_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let store = Store::open(dir.path()).unwrap();
        let id = poll(&store, &["A", "B", "C"]);
        apply_all(
            &store,
            &[
                // 1 changes twice: one changer.
                vote_in(id, 1, &[0], 10),
                vote_in(id, 1, &[1], 20),
                vote_in(id, 1, &[2], 30),
                // 2 withdraws, withdraws again (nothing standing), votes A
                // again: one withdrawal, no change.
                vote_in(id, 2, &[0], 5),
                vote_in(id, 2, &[], 40),
            ],
        );
        // A later batch, as the bot applies them.
        apply_all(
            &store,
            &[
                vote_in(id, 2, &[], 41),
                vote_in(id, 2, &[0], 50),
                // 3 sends the same answer twice: no change.
                vote_in(id, 3, &[1], 60),
                vote_in(id, 3, &[1], 61),
                // 4 withdraws and comes back with another answer: a
                // withdrawal and a change.
                vote_in(id, 4, &[0], 70),
                vote_in(id, 4, &[], 71),
                vote_in(id, 4, &[2], 72),
                // 5 withdraws for good; 6 only ever withdraws (nothing).
                vote_in(id, 5, &[1], 2),
                vote_in(id, 5, &[], 80),
                vote_in(id, 6, &[], 81),
                // An impossible answer changes nothing.
                vote_in(id, 3, &[0, 1], 90),
            ],
        );
        store.flush().unwrap();
        id
    };
    let store = Store::open(dir.path()).unwrap();
    let tally = store.tally(id).unwrap().unwrap();
    assert_eq!(tally.voters, 4);
    assert_eq!(tally.counts, [1, 1, 2]);
    assert_eq!(tally.changers, 2);
    assert_eq!(tally.withdrawals, 3);

    let data = load(&store, id, None).unwrap();
    // 5's first vote (minute 2) is the earliest, though withdrawn; 5's
    // withdrawal (80) the latest answer that did something.
    assert_eq!(data.first_vote, Some(at(2)));
    assert_eq!(data.last_vote, Some(at(80)));
    // The changer keeps their first vote time in their ballot.
    let ballot = store.ballot(id, UserId(1)).unwrap().unwrap();
    assert_eq!(
        (ballot.voted_at, ballot.first_voted_at),
        (at(30), Some(at(10)))
    );
    let ballot = store.ballot(id, UserId(4)).unwrap().unwrap();
    assert_eq!(ballot.first_voted_at, Some(at(70)));
    // Each standing voter counted once in the timeline, at their first vote.
    let timeline_total: u64 = data.timeline.totals().iter().sum();
    assert_eq!(timeline_total, 4);

    // The page says so.
    let mut html = Vec::new();
    write(&store, id, None, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<dt>Voters who changed their vote</dt><dd>2</dd>"));
    assert!(html.contains("<dt>Votes withdrawn</dt><dd>3</dd>"));
    assert!(html.contains("<dt>Voters</dt><dd>4</dd>"));
}

#[test]
fn distinct_approvers_follow_reactions_and_plus_one_replies() {
    let store = Store::temporary().unwrap();
    let id = poll(&store, &["A", "B"]);
    apply_all(
        &store,
        &[
            comment(id, 101, 1, "first"),
            comment(id, 102, 2, "second"),
            // 7 approves both comments: one approver.
            approve(101, 7, true),
            approve(102, 7, true),
            // 8 approves twice (counts once), then withdraws: none.
            approve(101, 8, true),
            approve(101, 8, true),
            approve(101, 8, false),
            // 9 replies "+1".
            Event::Reply {
                chat: ChatId(CHAT),
                sender: None,
                replied_option: None,
                replied_poll: None,
                message_id: MessageId(103),
                reply_to: MessageId(102),
                author: Some(person(9)),
                text: Some("+1".into()),
                at: at(5),
            },
            // 7 withdraws one of two: still an approver.
            approve(102, 7, false),
        ],
    );
    let tally = store.tally(id).unwrap().unwrap();
    assert_eq!(tally.approvers, 2);
    let data = load(&store, id, None).unwrap();
    assert_eq!(data.approvals, 2);
    assert_eq!(data.comments, 2);
}

#[test]
fn the_profile_crosses_voters_of_both_polls_and_hides_small_cells() {
    let store = Store::temporary().unwrap();
    let id = poll(&store, &["Yes", "No"]);
    let age = create(
        &store,
        NewPoll {
            options: &["Young", "Old"],
            multiple: false,
            anonymous: false,
            question: "Age?",
        },
    );
    let mut events = Vec::new();
    // Yes: 12 young, 3 old; No: 6 old; 4 voters answer only the first
    // poll, 5 only the second.
    for user in 0..12 {
        events.push(vote_in(id, user, &[0], 1));
        events.push(vote_in(age, user, &[0], 1));
    }
    for user in 12..15 {
        events.push(vote_in(id, user, &[0], 1));
        events.push(vote_in(age, user, &[1], 1));
    }
    for user in 15..21 {
        events.push(vote_in(id, user, &[1], 1));
        events.push(vote_in(age, user, &[1], 1));
    }
    for user in 21..25 {
        events.push(vote_in(id, user, &[1], 1));
    }
    for user in 25..30 {
        events.push(vote_in(age, user, &[0], 1));
    }
    apply_all(&store, &events);

    let data = load(&store, id, Some(2)).unwrap();
    let profile = data.profile.as_ref().unwrap();
    assert_eq!(profile.voters, 21);
    assert_eq!(profile.counts, [vec![12, 3], vec![0, 6]]);
    assert_eq!(profile.row_voters, [15, 6]);
    let shown = |count, tenths| Cell::Shown {
        count,
        share: pollbot::poll::Share(tenths),
    };
    assert_eq!(profile.row(0), [shown(12, 800), Cell::Small]);
    assert_eq!(profile.row(1), [Cell::Small, shown(6, 1000)]);

    let mut html = Vec::new();
    let full = write(&store, id, Some(PollNumber(2)), &mut html).unwrap();
    let png = full.profile_png.expect("a profile chart");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let html = String::from_utf8(html).unwrap();
    // The small cells show as <5 (escaped), never with their count.
    let shown = |share: &str, count: u32| {
        format!("<td class=\"n\">{share}<br><span class=\"meta\">{count}</span></td>")
    };
    let small = "<td class=\"n\">&lt;5</td>";
    assert!(html.contains(&format!("{}{small}", shown("80.0%", 12))));
    assert!(html.contains(&format!("{small}{}", shown("100.0%", 6))));
    assert!(!html.contains("\"meta\">3</span>"));
}

#[test]
fn anonymous_and_unknown_polls_cannot_be_crossed() {
    let store = Store::temporary().unwrap();
    let public = poll(&store, &["Yes", "No"]);
    let anonymous = create(
        &store,
        NewPoll {
            options: &["Young", "Old"],
            multiple: false,
            anonymous: true,
            question: "Age?",
        },
    );
    let html = |id, by: Option<u32>| {
        let mut out = Vec::new();
        write(&store, id, by.map(PollNumber), &mut out).map(|_| out)
    };
    assert!(matches!(
        html(public, Some(7)),
        Err(FullReportError::ProfileNotFound(PollNumber(7)))
    ));
    assert!(matches!(
        html(public, Some(2)),
        Err(FullReportError::ProfileAnonymous(PollNumber(2)))
    ));
    assert!(matches!(
        html(anonymous, Some(1)),
        Err(FullReportError::CannotCrossAnonymous)
    ));
    let other_chat = PollId {
        chat: ChatId(CHAT + 1),
        number: PollNumber(1),
    };
    assert!(matches!(
        html(other_chat, None),
        Err(FullReportError::PollNotFound(id)) if id == other_chat
    ));
    // Each refusal a user can cause has its reply in every language.
    for error in [
        FullReportError::ProfileNotFound(PollNumber(7)),
        FullReportError::ProfileAnonymous(PollNumber(2)),
        FullReportError::CannotCrossAnonymous,
    ] {
        let key = pollbot::app::report::ByRefusal::of(&error, PollNumber(1))
            .expect("a user's mistake has a reply")
            .key();
        for language in Language::ALL {
            let text = pollbot::i18n::text_with(language, key, &[("number", "#7".into())]);
            assert!(!text.is_empty() && text != key, "{key} in {language:?}");
        }
    }
    // An anonymous poll's own report works, and says why there is no
    // profile and no timeline.
    let page = String::from_utf8(html(anonymous, None).unwrap()).unwrap();
    assert!(page.contains("cannot be crossed with another poll"));
}

#[test]
fn the_timeline_counts_new_voters_per_hour_or_day_under_their_current_option() {
    let store = Store::temporary().unwrap();
    let short = poll(&store, &["A", "B"]);
    // A day and a half: hours. 1 votes at 09:05 (A) and changes to B at
    // 15:00 the next day; they stay in the 09:00 bucket, under B.
    apply_all(
        &store,
        &[
            vote_in(short, 1, &[0], 5),
            vote_in(short, 2, &[0], 65),
            vote_in(short, 3, &[1], 70),
            vote_in(short, 1, &[1], 30 * 60),
        ],
    );
    close(&store, short, 36 * 60);
    let data = load(&store, short, None).unwrap();
    assert_eq!(data.timeline.unit, BucketUnit::Hour);
    assert_eq!(data.timeline.start, at(0));
    assert_eq!(data.timeline.buckets.len(), 37);
    assert_eq!(data.timeline.buckets[0], [0, 1]);
    assert_eq!(data.timeline.buckets[1], [1, 1]);
    assert_eq!(data.timeline.totals().iter().sum::<u64>(), 3);

    let long = poll(&store, &["A", "B"]);
    apply_all(
        &store,
        &[
            vote_in(long, 1, &[0], 5),
            vote_in(long, 2, &[1], 24 * 60),
            vote_in(long, 3, &[1], 4 * 24 * 60),
        ],
    );
    close(&store, long, 5 * 24 * 60);
    let data = load(&store, long, None).unwrap();
    assert_eq!(data.timeline.unit, BucketUnit::Day);
    assert_eq!(
        data.timeline.start,
        "2024-03-14T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        data.timeline.buckets,
        [
            vec![1, 0],
            vec![0, 1],
            vec![0, 0],
            vec![0, 0],
            vec![0, 1],
            vec![0, 0]
        ]
    );
}

#[test]
fn hostile_user_text_shows_as_text() {
    let store = Store::temporary().unwrap();
    let id = create(
        &store,
        NewPoll {
            options: &["<b>bold</b>", "\"><img src=x onerror=alert(2)>"],
            multiple: false,
            anonymous: false,
            question: "<script>alert('q')</script>?",
        },
    );
    store
        .write(|changes| changes.set_chat_title(ChatId(CHAT), "</title><script>alert(3)</script>"))
        .unwrap();
    let hostile = Person {
        id: UserId(1),
        name: "<svg onload=alert(4)>".into(),
    };
    apply_all(
        &store,
        &[
            Event::Vote {
                telegram_poll_id: telegram_id(1),
                voter: hostile.clone(),
                option_ids: vec![0],
                option_persistent_ids: Vec::new(),
                at: at(1),
            },
            vote_in(id, 2, &[1], 2),
            Event::Reply {
                chat: ChatId(CHAT),
                sender: None,
                replied_option: None,
                replied_poll: None,
                message_id: MessageId(101),
                reply_to: MessageId(10),
                author: Some(hostile),
                text: Some("<script>alert(1)</script>".into()),
                at: at(3),
            },
            comment(id, 102, 2, "\"><img src=x onerror=alert(5)> & more"),
        ],
    );
    let mut html = Vec::new();
    write(&store, id, None, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    for raw in [
        "<script",
        "<img src=x",
        "<svg",
        "<b>bold",
        "onerror=alert(2)>",
    ] {
        assert!(!html.contains(raw), "{raw:?} is in the page unescaped");
    }
    for shown in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&quot;&gt;&lt;img src=x onerror=alert(5)&gt; &amp; more",
        "&lt;svg onload=alert(4)&gt;",
        "&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;",
        "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt;?",
        "&lt;b&gt;bold&lt;/b&gt;",
    ] {
        assert!(html.contains(shown), "{shown:?} is not in the page");
    }
    // The only images are our own charts, inline.
    assert_eq!(
        html.matches("<img ").count(),
        html.matches("<img src=\"data:image/png;base64,").count()
    );
}

#[test]
fn the_demo_report_shows_every_section_with_exact_figures() {
    let store = Store::temporary().unwrap();
    let id = pollbot::demo::build(&store).unwrap();
    let data = load(&store, id, Some(pollbot::demo::PROFILE_POLL.0)).unwrap();
    let tally = &data.report.tally;
    assert_eq!(tally.voters, 1601);
    // One voter in eight changed (201 of 1,601); forty withdrew.
    assert_eq!(tally.changers, 201);
    assert_eq!(tally.withdrawals, 40);
    assert_eq!(data.comments, 44);
    assert_eq!(data.chat_title.as_deref(), Some(pollbot::demo::CHAT_TITLE));
    // Every option's voters commented; Military's (third) the most.
    let comments: Vec<(usize, u64)> = data
        .sections
        .iter()
        .map(|s| (s.index, s.comments))
        .collect();
    assert_eq!(comments, [(0, 14), (1, 9), (2, 16), (3, 5)]);
    assert_eq!(data.most_discussed().unwrap().index, 2);
    assert!(data.sections.iter().all(|s| s.top.len() == 3));
    assert_eq!(data.timeline.unit, BucketUnit::Day);
    assert_eq!(data.timeline.buckets.len(), 15);
    assert_eq!(data.timeline.totals().iter().sum::<u64>(), 1601);
    assert!(data.first_vote.unwrap() >= data.report.poll.created_at);
    let profile = data.profile.as_ref().unwrap();
    assert!(profile.voters > 1000 && profile.voters < 1601);
    // Food voters are almost never under 30: a hidden cell.
    assert_eq!(profile.row(3)[0], Cell::Small);
    the_demo_report_shows_each_share_s_wilson_interval(&data);
    // Who could vote and who did, and the period, in the methodology.
    let mut html = Vec::new();
    write_full_report(&data, Language::English, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    for row in [
        "<dt>Period</dt><dd>14 Mar 2024 – 28 Mar 2024</dd>",
        "<dt>Who could vote</dt><dd>anyone who saw the poll in the chat</dd>",
        "<dt>Turnout</dt><dd>8,412 members when it was posted (14 Mar 2024 09:00 UTC); \
         8,537 members when it closed (28 Mar 2024 18:00 UTC)</dd>",
        "<dt>Quorum</dt><dd>none</dd>",
    ] {
        assert!(html.contains(row), "{row}");
    }
    // Its two reminders went out a week and a day before the close.
    assert!(data.report.poll.features.reminders.iter().all(|r| r.sent));
}

/// Each share of the published poll with its 95% Wilson interval, in the
/// tally and in its option's section, and what the interval is in the
/// methodology. The ends were computed independently with statsmodels'
/// `proportion_confint(k, 1601, alpha=0.05, method='wilson')` (see
/// `poll::interval`'s tests) and rounded to a tenth of a percent.
fn the_demo_report_shows_each_share_s_wilson_interval(data: &FullReportData) {
    use pollbot::i18n::{self, Arg};
    use pollbot::report::escape_html;
    let expected = [
        (0, "42.0%", "39.6", "44.4"),
        (1, "29.5%", "27.3", "31.8"),
        (2, "19.0%", "17.1", "21.0"),
        (3, "9.5%", "8.2", "11.1"),
    ];
    for language in Language::ALL {
        let mut html = Vec::new();
        write_full_report(data, language, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        for (index, share, low, high) in expected {
            let section = data.sections.iter().find(|s| s.index == index).unwrap();
            assert_eq!(section.share.to_string(), share);
            let interval = section.interval.unwrap();
            assert_eq!(
                (interval.low.number(), interval.high.number()),
                (low.into(), high.into())
            );
            let ends = |key| {
                let args: [(&'static str, Arg); 3] = [
                    ("share", share.into()),
                    ("low", low.into()),
                    ("high", high.into()),
                ];
                i18n::text_with(language, key, &args)
            };
            let cell = format!(
                "{share}<br><span class=\"meta\">{}</span>",
                ends("report-interval")
            );
            assert!(
                html.contains(&cell),
                "{language:?}: no {cell:?} in the tally"
            );
            let stats = ends("report-share-interval");
            assert!(
                html.contains(&stats),
                "{language:?}: no {stats:?} in the options"
            );
        }
        let label = escape_html(&i18n::text(language, "report-method-interval-text"));
        assert!(
            html.contains(&label),
            "{language:?}: no interval in the methodology"
        );
    }
    // The English form, spelt out once.
    let mut html = Vec::new();
    write_full_report(data, Language::English, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("42.0%<br><span class=\"meta\">95% CI 39.6–44.4%</span>"));
    assert!(html.contains("672 votes (42.0%; 95% CI 39.6–44.4%)"));
    assert!(html.contains("153 votes (9.5%; 95% CI 8.2–11.1%)"));
}

#[test]
fn a_poll_of_several_answers_gives_each_option_s_interval_of_its_voters() {
    let store = Store::temporary().unwrap();
    let id = create(
        &store,
        NewPoll {
            options: &["Tea", "Coffee", "Water"],
            multiple: true,
            anonymous: false,
            question: "What do you drink?",
        },
    );
    apply_all(
        &store,
        &[
            vote_in(id, 1, &[0, 1], 1),
            vote_in(id, 2, &[0], 2),
            vote_in(id, 3, &[0, 1], 3),
        ],
    );
    let data = load(&store, id, None).unwrap();
    // k of the option's voters, n = 3 voters; statsmodels 0.15.0:
    // proportion_confint(3, 3, method='wilson') = (0.43850296824495444, 1.0),
    // proportion_confint(2, 3, method='wilson') = (0.2076596008020477,
    // 0.9385080552796037). Nobody chose Water: 0 of 3, (0.0, 0.5614970317550455).
    let intervals: Vec<(usize, String, String, String)> = data
        .sections
        .iter()
        .map(|s| {
            let i = s.interval.unwrap();
            (
                s.index,
                s.share.to_string(),
                i.low.number(),
                i.high.number(),
            )
        })
        .collect();
    let row = |index, share: &str, low: &str, high: &str| {
        (index, share.to_owned(), low.to_owned(), high.to_owned())
    };
    assert_eq!(
        intervals,
        [
            row(0, "100.0%", "43.9", "100.0"),
            row(1, "66.7%", "20.8", "93.9"),
            row(2, "0.0%", "0.0", "56.1"),
        ]
    );

    // Nobody voted: the share alone, no interval.
    let empty = poll(&store, &["Yes", "No"]);
    let data = load(&store, empty, None).unwrap();
    assert!(data.sections.iter().all(|s| s.interval.is_none()));
    let mut html = Vec::new();
    write_full_report(&data, Language::English, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<td class=\"n\">0.0%</td>"));
    assert!(html.contains("0 votes (0.0%) · "));
    assert!(!html.contains("0.0%<br>"));
}

#[test]
fn records_from_an_older_database_still_decode() {
    // Written before the report's facts and the chat title were kept.
    let tally: pollbot::poll::Tally =
        serde_json::from_str(r#"{"counts":[2,1],"voters":3,"comments":4}"#).unwrap();
    assert_eq!((tally.voters, tally.comments), (3, 4));
    assert_eq!(
        (tally.changers, tally.withdrawals, tally.approvers),
        (0, 0, 0)
    );
    let chat: pollbot::store::ChatRecord =
        serde_json::from_str(r#"{"last_poll":3,"language":"zh","active":true}"#).unwrap();
    assert_eq!(chat.last_poll, 3);
    assert_eq!(chat.title, None);
}

#[test]
fn the_demo_and_the_report_command_write_the_report_files() {
    let out = tempfile::tempdir().unwrap();
    pollbot::cli::demo(out.path()).unwrap();
    for name in [
        "results.png",
        "summary.txt",
        "votes.csv",
        "comments.csv",
        "poll.json",
        "report.html",
        "timeline.png",
        "profile.png",
    ] {
        let bytes = std::fs::read(out.path().join(name)).unwrap();
        assert!(bytes.len() > 100, "{name} is {} bytes", bytes.len());
    }

    // `pollbot report` on a stopped bot's database, with and without --by.
    let db = tempfile::tempdir().unwrap();
    let id = {
        let store = Store::open(db.path()).unwrap();
        let id = poll(&store, &["Yes", "No"]);
        let age = poll(&store, &["Young", "Old"]);
        apply_all(&store, &[vote_in(id, 1, &[0], 1), vote_in(age, 1, &[1], 2)]);
        store.flush().unwrap();
        id
    };
    let dir = out.path().join("real");
    let error =
        pollbot::cli::report(&db.path().into(), id, Some(PollNumber(9)), &dir, "zh").unwrap_err();
    assert!(format!("{error:#}").contains("no poll #9"), "{error:#}");
    assert!(
        !dir.join("report.html").exists(),
        "a refused --by leaves no page"
    );
    pollbot::cli::report(&db.path().into(), id, Some(PollNumber(2)), &dir, "zh").unwrap();
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.contains("<html lang=\"zh\">"));
    assert!(page.contains(&pollbot::i18n::text(
        Language::Chinese,
        "report-section-profile"
    )));
    assert!(dir.join("profile.png").exists());
    let plain = out.path().join("plain");
    pollbot::cli::report(&db.path().into(), id, None, &plain, "en").unwrap();
    assert!(plain.join("timeline.png").exists());
    assert!(!plain.join("profile.png").exists());
}
