//! The sample poll behind `pollbot demo`: the published poll this product is
//! modelled on (1,601 voters over two weeks), rebuilt from events through
//! the same code the bot runs.

use chrono::{DateTime, Duration, Utc};

use crate::ingest::{Event, apply};
use crate::poll::{Person, Poll, PollId, PollNumber, PollOptions, PollQuestion, PollState};
use crate::store::{self, Store};

pub const CHAT: i64 = -1001234567890;
const TELEGRAM_POLL_ID: &str = "5012345678901234567";
const POLL_MESSAGE: i32 = 100;
pub const QUESTION: &str = "In which area should the two countries deepen cooperation?";
pub const OPTIONS: [&str; 4] = ["Energy", "Trade", "Military", "Food"];
/// Final voters per option, as published.
pub const FINAL_COUNTS: [u64; 4] = [672, 472, 304, 153];

/// Comments written for the demo: (author index among voters, replies to
/// comment number or the poll, text). Authors are voters, so the report can
/// show which option each one chose.
const COMMENTS: [(usize, Option<usize>, &str); 44] = [
    (
        3,
        None,
        "Energy first: pipelines and grids take a decade to build, so we should start now.",
    ),
    (
        700,
        None,
        "Trade is what ordinary people feel. Lower tariffs on everyday goods would help everyone.",
    ),
    (
        12,
        Some(1),
        "Agreed on the timescale, but energy deals tie both sides to prices nobody controls.",
    ),
    (
        1460,
        None,
        "粮食安全是根本，没有稳定的粮食供应，其他合作都无从谈起。",
    ),
    (
        45,
        None,
        "能源合作最现实：一方有资源，一方有市场，互补性很强。",
    ),
    (
        800,
        Some(2),
        "Trade also means students, tourists and small businesses, not only containers.",
    ),
    (
        1200,
        None,
        "Military cooperation sounds scary, but joint exercises build trust faster than any treaty.",
    ),
    (
        67,
        None,
        "Energy, because it funds everything else. Without it, \"cooperation\" is just a word.",
    ),
    (
        900,
        Some(7),
        "Trust through exercises? History says arms races start exactly like that.",
    ),
    (
        1580,
        None,
        "Food: drought years hit both countries at once; shared reserves would save lives.",
    ),
    (
        99,
        None,
        "Нужна энергетика: совместные проекты в атомной энергетике и газе.",
    ),
    (
        720,
        None,
        "贸易往来能让普通人直接受益，比如跨境电商和农产品进出口。",
    ),
    (150, Some(5), "能源合作要注意价格风险，不能只看短期利益。"),
    (
        1250,
        None,
        "I chose Military, but I mean search-and-rescue and disaster relief, not weapons.",
    ),
    (
        1300,
        Some(14),
        "Then you mean civil protection, and that deserves its own option next time.",
    ),
    (
        210,
        None,
        "Energy. Renewables especially: solar panels from one side, wind farms from the other.",
    ),
    (
        760,
        None,
        "Trade, with fair rules. Dumping hurts local producers on both sides.",
    ),
    (1590, None, "粮食合作可以从种子研发和农业技术交流开始。"),
    (
        333,
        None,
        "Line one of my view: energy.\nLine two: \"security of supply\", which means storage, grids, and long contracts.",
    ),
    (
        850,
        Some(17),
        "Fair rules, yes; but who enforces them when a dispute comes up?",
    ),
    (410, None, "能源！能源！能源！重要的事情说三遍。"),
    (
        1100,
        None,
        "Trade builds the habits of cooperation that every other area needs later.",
    ),
    (
        1350,
        None,
        "Военное сотрудничество — это прежде всего обмен информацией о границах.",
    ),
    (
        505,
        Some(19),
        "Storage is the real bottleneck; nobody talks about it until winter.",
    ),
    (
        1560,
        None,
        "Food prices doubled here last year. That is the cooperation people want.",
    ),
    (
        950,
        None,
        "I'd say trade in services: software, design, education online.",
    ),
    (
        600,
        None,
        "Energy cooperation worked well in the 1990s, the data are clear on that.",
    ),
    (
        1400,
        Some(13),
        "Disaster relief should be civilian-led, even if the army helps.",
    ),
    (
        30,
        None,
        "能源是经济的血液，这次投票结果也说明了大家的共识。",
    ),
    (
        1000,
        None,
        "Trade, and let's make visas easier while we are at it.",
    ),
    (1595, Some(10), "同意粮食储备的想法，但要有透明的管理机制。"),
    (
        250,
        None,
        "Energy, but with environmental safeguards written into every contract.",
    ),
    (
        1420,
        None,
        "None of these alone works; but if I must pick, military transparency.",
    ),
    (
        640,
        None,
        "能源合作也包括节能技术，不只是买卖石油和天然气。",
    ),
    (
        1150,
        None,
        "Military, because a hotline between the two defence ministries prevents accidents at sea.",
    ),
    (
        1180,
        Some(35),
        "A hotline is cheap and it works; that alone justifies my vote.",
    ),
    (
        1222,
        None,
        "军事互信是其他合作的前提，边境稳定了，贸易和能源才能放心推进。",
    ),
    (
        1275,
        Some(37),
        "Согласен: без доверия на границе никакие трубопроводы не построят.",
    ),
    (
        1310,
        None,
        "Joint naval patrols against piracy protect the very trade routes the Trade voters care about.",
    ),
    (
        1333,
        Some(7),
        "Exercises build trust only when observers from both sides are invited. Make that a rule.",
    ),
    (1377, None, "联合救灾演练最实用：地震和洪水不分国界。"),
    (
        1390,
        Some(39),
        "Piracy patrols: yes. Anything with missiles: no.",
    ),
    (
        1410,
        None,
        "Military medicine: field hospitals and training for doctors helped us after the floods.",
    ),
    (
        1440,
        Some(43),
        "Доступ к военным госпиталям при катастрофах — это и есть сотрудничество.",
    ),
];

/// Approvals per comment (same order as `COMMENTS`), ties included.
const APPROVALS: [usize; 44] = [
    57, 41, 12, 38, 33, 9, 22, 28, 14, 28, 7, 19, 5, 17, 6, 11, 13, 8, 24, 4, 10, 15, 3, 9, 21, 2,
    6, 5, 16, 7, 4, 12, 3, 8, 18, 6, 20, 4, 11, 9, 14, 2, 13, 5,
];

/// A small deterministic generator, so every demo run is the same.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FIRST_NAMES: [&str; 24] = [
    "Alice",
    "Bohdan",
    "Chen Wei",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hao",
    "Irina",
    "James",
    "Kateryna",
    "Li Na",
    "Marat",
    "Nadia",
    "Oleg",
    "Priya",
    "Qiang",
    "Rosa",
    "Sergei",
    "Tanya",
    "Umar",
    "Vera",
    "Wang Fang",
    "Yusuf",
];

const LAST_NAMES: [&str; 20] = [
    "Abbott", "Baker", "Chen", "Demir", "Evans", "Fischer", "García", "Huang", "Ivanova", "Jones",
    "Kim", "Liu", "Morozov", "Nowak", "Okafor", "Petrenko", "Rossi", "Sato", "Tan", "Zhou",
];

fn voter(index: usize) -> Person {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()];
    Person {
        id: 100_000 + index as i64,
        name: format!("{first} {last}"),
    }
}

/// How many votes each day of the demo's two weeks draws, relative to the
/// others: a rush when the poll is posted, a second wave when it is shared
/// again a week later, and a trickle before it closes.
const DAY_WEIGHTS: [u64; 15] = [
    230, 260, 150, 105, 80, 70, 55, 140, 110, 70, 50, 40, 35, 30, 25,
];

/// How many votes each hour of a day (UTC) draws, relative to the others:
/// quiet at night, busiest in the evening.
const HOUR_WEIGHTS: [u64; 24] = [
    4, 2, 1, 1, 1, 2, 4, 8, 12, 14, 15, 16, 18, 17, 15, 15, 16, 19, 24, 28, 27, 22, 14, 8,
];

/// The demo poll's window in minutes after its start (09:00 on day 0): it
/// closes at 18:00 on day 14.
const WINDOW_MINUTES: i64 = 14 * 24 * 60 + 9 * 60;

/// Picks an index with probability proportional to its weight.
fn weighted(random: &mut Random, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut pick = random.next() % total;
    for (i, &w) in weights.iter().enumerate() {
        if pick < w {
            return i;
        }
        pick -= w;
    }
    weights.len() - 1
}

/// When a demo voter votes, in minutes after the poll's start: at least an
/// hour after it opens (so an earlier, changed vote still falls inside) and
/// an hour before it closes.
fn vote_minute(random: &mut Random) -> i64 {
    loop {
        let day = weighted(random, &DAY_WEIGHTS) as i64;
        let hour = weighted(random, &HOUR_WEIGHTS) as i64;
        let minute = day * 24 * 60 + hour * 60 + random.below(60) as i64 - 9 * 60;
        if (60..WINDOW_MINUTES - 60).contains(&minute) {
            return minute;
        }
    }
}

/// When comment `n` is posted, in minutes after the poll's start.
fn comment_minute(n: usize) -> i64 {
    60 + n as i64 * 440
}

/// The demo's second poll, which the report's profile crosses the first
/// with.
pub const PROFILE_POLL: PollNumber = PollNumber(2);
pub const PROFILE_QUESTION: &str = "What is your age group?";
pub const PROFILE_OPTIONS: [&str; 4] = ["18–29", "30–44", "45–59", "60+"];
const PROFILE_TELEGRAM_POLL_ID: &str = "5012345678901234568";
const PROFILE_POLL_MESSAGE: i32 = 101;
/// The chat's title as Telegram would report it.
pub const CHAT_TITLE: &str = "Friendship Society · 友好协会";

/// Age groups of the first poll's voters, per option chosen there
/// (relative weights): the profile shows each option's voters by age.
const AGE_WEIGHTS: [[u64; 4]; 4] = [
    [22, 36, 28, 14], // Energy
    [42, 33, 17, 8],  // Trade
    [14, 24, 30, 32], // Military
    [1, 18, 41, 40],  // Food: almost no one under 30
];

/// Builds the sample poll in `store` and returns its id.
pub fn build(store: &Store) -> store::Result<PollId> {
    let start: DateTime<Utc> = "2024-03-14T09:00:00Z".parse().expect("valid date");
    let end: DateTime<Utc> = "2024-03-28T18:00:00Z".parse().expect("valid date");
    let minute = |m: i64| start + Duration::minutes(m);
    let id = store.write(|changes| {
        changes.create_poll(CHAT, |id| Poll {
            id,
            question: PollQuestion::parse(QUESTION).expect("demo question is valid"),
            options: PollOptions::parse(&OPTIONS).expect("demo options are valid"),
            multiple: false,
            anonymous: false,
            created_at: start,
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: POLL_MESSAGE,
            telegram_id: TELEGRAM_POLL_ID.into(),
            thread: None,
            features: Default::default(),
        })
    })?;

    let profile = store.write(|changes| {
        changes.set_chat_title(CHAT, CHAT_TITLE)?;
        changes.create_poll(CHAT, |id| Poll {
            id,
            question: PollQuestion::parse(PROFILE_QUESTION).expect("demo question is valid"),
            options: PollOptions::parse(&PROFILE_OPTIONS).expect("demo options are valid"),
            multiple: false,
            anonymous: false,
            created_at: start + Duration::minutes(30),
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: PROFILE_POLL_MESSAGE,
            telegram_id: PROFILE_TELEGRAM_POLL_ID.into(),
            thread: None,
            features: Default::default(),
        })
    })?;
    debug_assert_eq!(profile.id.number, PROFILE_POLL);

    let mut random = Random(0x5eed_cafe_f00d_1234);
    let mut events = Vec::new();
    let vote = |person: Person, options: &[u32], at| Event::Vote {
        telegram_poll_id: TELEGRAM_POLL_ID.into(),
        voter: person,
        option_ids: options.to_vec(),
        option_persistent_ids: Vec::new(),
        at,
    };
    // Final answers: voter i chooses the option whose block holds i.
    let total: usize = FINAL_COUNTS.iter().sum::<u64>() as usize;
    let mut final_choice = Vec::with_capacity(total);
    for (option, &count) in FINAL_COUNTS.iter().enumerate() {
        final_choice.extend(std::iter::repeat_n(option as u32, count as usize));
    }
    for (i, &choice) in final_choice.iter().enumerate() {
        let at = minute(vote_minute(&mut random));
        // One voter in eight first chose something else, then changed.
        if i % 8 == 0 {
            let first = (choice + 1 + random.below(3) as u32) % 4;
            let earlier = at - Duration::minutes(30);
            events.push((earlier, vote(voter(i), &[first], earlier)));
        }
        events.push((at, vote(voter(i), &[choice], at)));
    }
    // Four voters in five also give their age group, a little later.
    let mut ages = Random(0x00a9_e50f_0b5e_7e25);
    for (i, &choice) in final_choice.iter().enumerate() {
        if ages.below(5) == 0 {
            continue;
        }
        let age = weighted(&mut ages, &AGE_WEIGHTS[choice as usize]) as u32;
        let at = minute(vote_minute(&mut ages));
        let event = Event::Vote {
            telegram_poll_id: PROFILE_TELEGRAM_POLL_ID.into(),
            voter: voter(i),
            option_ids: vec![age],
            option_persistent_ids: Vec::new(),
            at,
        };
        events.push((at, event));
    }
    // Forty people voted and later withdrew.
    for j in 0..40 {
        let at = minute(vote_minute(&mut random));
        let person = voter(total + j);
        events.push((at, vote(person.clone(), &[random.below(4) as u32], at)));
        let later = at + Duration::hours(5);
        events.push((later, vote(person, &[], later)));
    }
    // Comments, then approvals by reaction (a few withdrawn) and by `+1`.
    let comment_message = |n: usize| 1000 + n as i32;
    for (n, &(author, reply_to, text)) in COMMENTS.iter().enumerate() {
        let at = minute(comment_minute(n));
        events.push((
            at,
            Event::Reply {
                chat: CHAT,
                message_id: comment_message(n),
                reply_to: reply_to.map_or(POLL_MESSAGE, |r| comment_message(r - 1)),
                author: Some(voter(author)),
                sender: None,
                text: Some(text.into()),
                at,
                replied_option: None,
                replied_poll: None,
            },
        ));
    }
    let mut next_message = 5000;
    for (n, &approvals) in APPROVALS.iter().enumerate() {
        let posted = minute(comment_minute(n));
        let mut approvers: Vec<usize> = Vec::new();
        while approvers.len() < approvals + 1 {
            let candidate = random.below(total);
            if !approvers.contains(&candidate) {
                approvers.push(candidate);
            }
        }
        // The last approver reacts, then thinks better of it.
        let withdrawn = approvers.pop().expect("one extra approver");
        for (k, &person) in approvers.iter().enumerate() {
            let at = posted + Duration::minutes(5 + k as i64 * 7);
            let event = if k % 6 == 5 {
                next_message += 1;
                Event::Reply {
                    chat: CHAT,
                    message_id: next_message,
                    reply_to: comment_message(n),
                    author: Some(voter(person)),
                    sender: None,
                    text: Some(if k % 12 == 5 { "+1" } else { "同意" }.into()),
                    at,
                    replied_option: None,
                    replied_poll: None,
                }
            } else {
                Event::Reaction {
                    chat: CHAT,
                    message_id: comment_message(n),
                    user: voter(person).id,
                    old: vec![],
                    new: vec![["👍", "❤", "🔥", "👏", "💯"][k % 5].into()],
                }
            };
            events.push((at, event));
        }
        let reaction = |old: Vec<String>, new: Vec<String>| Event::Reaction {
            chat: CHAT,
            message_id: comment_message(n),
            user: voter(withdrawn).id,
            old,
            new,
        };
        events.push((
            posted + Duration::minutes(1),
            reaction(vec![], vec!["👍".into()]),
        ));
        events.push((
            posted + Duration::minutes(2),
            reaction(vec!["👍".into()], vec![]),
        ));
    }
    // One author fixes a typo.
    events.push((
        minute(70),
        Event::Edit {
            chat: CHAT,
            message_id: comment_message(0),
            text: COMMENTS[0].2.into(),
            at: minute(70),
        },
    ));
    events.sort_by_key(|(at, _)| *at);

    // Applied in batches, as the bot applies updates.
    for batch in events.chunks(100) {
        store.write(|changes| {
            for (_, event) in batch {
                apply(changes, event)?;
            }
            Ok(())
        })?;
    }
    store.write(|changes| {
        changes.close_poll(id.id, end)?;
        changes.close_poll(profile.id, end)
    })?;
    store.flush()?;
    Ok(id.id)
}

/// The campaign demo's second chat: the seed poll ran on two platforms and
/// reported its votes together.
pub const PARTNER_CHAT: i64 = -1009876543210;
pub const PARTNER_TITLE: &str = "Partner forum · 合作论坛";
const PARTNER_TELEGRAM_POLL_ID: &str = "5012345678901234569";
const PARTNER_POLL_MESSAGE: i32 = 300;
/// Voters who voted in both chats: one in twenty-five, first in the other
/// chat (another option), then for good in their own.
pub const CAMPAIGN_VOTERS_IN_BOTH: usize = 65;

/// Builds the sample poll as a campaign over two chats: the same 1,601
/// final answers, a third of the voters in the partner chat, and
/// [`CAMPAIGN_VOTERS_IN_BOTH`] people who voted in both (each counts once,
/// with their later vote). Returns the origin poll.
pub fn build_campaign(store: &Store) -> store::Result<PollId> {
    let start: DateTime<Utc> = "2024-03-14T09:00:00Z".parse().expect("valid date");
    let end: DateTime<Utc> = "2024-03-28T18:00:00Z".parse().expect("valid date");
    let minute = |m: i64| start + Duration::minutes(m);
    let poll = |id, telegram_id: &str, message_id, created_at| Poll {
        id,
        question: PollQuestion::parse(QUESTION).expect("demo question is valid"),
        options: PollOptions::parse(&OPTIONS).expect("demo options are valid"),
        multiple: false,
        anonymous: false,
        created_at,
        deadline: Some(end),
        state: PollState::Open,
        closed_at: None,
        results_announced: false,
        message_id,
        telegram_id: telegram_id.into(),
        thread: None,
        features: Default::default(),
    };
    let (origin, copy) = store.write(|changes| {
        changes.set_chat_title(CHAT, CHAT_TITLE)?;
        changes.set_chat_title(PARTNER_CHAT, PARTNER_TITLE)?;
        let origin =
            changes.create_poll(CHAT, |id| poll(id, TELEGRAM_POLL_ID, POLL_MESSAGE, start))?;
        let copy = changes.create_poll(PARTNER_CHAT, |id| {
            poll(
                id,
                PARTNER_TELEGRAM_POLL_ID,
                PARTNER_POLL_MESSAGE,
                minute(45),
            )
        })?;
        changes.add_copy(origin.id, copy.id)?;
        Ok((origin.id, copy.id))
    })?;
    let chat_of = |i: usize| if i % 3 == 1 { PARTNER_CHAT } else { CHAT };
    let poll_in = |chat: i64| match chat {
        PARTNER_CHAT => PARTNER_TELEGRAM_POLL_ID,
        _ => TELEGRAM_POLL_ID,
    };
    let other = |chat: i64| if chat == CHAT { PARTNER_CHAT } else { CHAT };
    let mut random = Random(0x5eed_cafe_f00d_1234);
    let mut events = Vec::new();
    let vote = |chat: i64, person: Person, option: u32, at| Event::Vote {
        telegram_poll_id: poll_in(chat).into(),
        voter: person,
        option_ids: vec![option],
        option_persistent_ids: Vec::new(),
        at,
    };
    let total: usize = FINAL_COUNTS.iter().sum::<u64>() as usize;
    let mut final_choice = Vec::with_capacity(total);
    for (option, &count) in FINAL_COUNTS.iter().enumerate() {
        final_choice.extend(std::iter::repeat_n(option as u32, count as usize));
    }
    for (i, &choice) in final_choice.iter().enumerate() {
        let chat = chat_of(i);
        let at = minute(vote_minute(&mut random).max(120));
        if i % 25 == 0 {
            let first = (choice + 1 + random.below(3) as u32) % 4;
            let earlier = at - Duration::minutes(90);
            events.push((earlier, vote(other(chat), voter(i), first, earlier)));
        } else if i % 8 == 0 {
            let first = (choice + 1 + random.below(3) as u32) % 4;
            let earlier = at - Duration::minutes(30);
            events.push((earlier, vote(chat, voter(i), first, earlier)));
        }
        events.push((at, vote(chat, voter(i), choice, at)));
    }
    // The comments that start a thread, each in its author's chat, with
    // its approvals.
    let mut message = 2000;
    for (n, &(author, reply_to, text)) in COMMENTS.iter().enumerate() {
        if reply_to.is_some() {
            continue;
        }
        let (chat, posted) = (chat_of(author), minute(comment_minute(n)));
        let poll_message = match chat {
            PARTNER_CHAT => PARTNER_POLL_MESSAGE,
            _ => POLL_MESSAGE,
        };
        message += 1;
        let comment = message;
        events.push((
            posted,
            Event::Reply {
                chat,
                message_id: comment,
                reply_to: poll_message,
                author: Some(voter(author)),
                sender: None,
                text: Some(text.into()),
                at: posted,
                replied_option: None,
                replied_poll: None,
            },
        ));
        for k in 0..APPROVALS[n] {
            let approver = (author + 1 + k * 7) % total;
            let at = posted + Duration::minutes(5 + k as i64);
            let event = Event::Reaction {
                chat,
                message_id: comment,
                user: voter(approver).id,
                old: vec![],
                new: vec!["👍".into()],
            };
            events.push((at, event));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    for batch in events.chunks(100) {
        store.write(|changes| {
            for (_, event) in batch {
                apply(changes, event)?;
            }
            Ok(())
        })?;
    }
    store.write(|changes| {
        changes.close_poll(origin, end)?;
        changes.close_poll(copy, end)
    })?;
    store.flush()?;
    Ok(origin)
}
