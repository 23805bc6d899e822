//! The demo's data tables: the comments and their approvals, the voters'
//! names, when votes fall, and the age groups behind the profile.

/// Comments written for the demo: (author index among voters, replies to
/// comment number or the poll, text). Authors are voters, so the report can
/// show which option each one chose.
pub(super) const COMMENTS: [(usize, Option<usize>, &str); 44] = [
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
pub(super) const APPROVALS: [usize; 44] = [
    57, 41, 12, 38, 33, 9, 22, 28, 14, 28, 7, 19, 5, 17, 6, 11, 13, 8, 24, 4, 10, 15, 3, 9, 21, 2,
    6, 5, 16, 7, 4, 12, 3, 8, 18, 6, 20, 4, 11, 9, 14, 2, 13, 5,
];

/// First names of the demo's voters, combined with [`LAST_NAMES`].
pub(super) const FIRST_NAMES: [&str; 24] = [
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

pub(super) const LAST_NAMES: [&str; 20] = [
    "Abbott", "Baker", "Chen", "Demir", "Evans", "Fischer", "García", "Huang", "Ivanova", "Jones",
    "Kim", "Liu", "Morozov", "Nowak", "Okafor", "Petrenko", "Rossi", "Sato", "Tan", "Zhou",
];

/// How many votes each day of the demo's two weeks draws, relative to the
/// others: a rush when the poll is posted, a second wave when it is shared
/// again a week later, and a trickle before it closes.
pub(super) const DAY_WEIGHTS: [u64; 15] = [
    230, 260, 150, 105, 80, 70, 55, 140, 110, 70, 50, 40, 35, 30, 25,
];

/// How many votes each hour of a day (UTC) draws, relative to the others:
/// quiet at night, busiest in the evening.
pub(super) const HOUR_WEIGHTS: [u64; 24] = [
    4, 2, 1, 1, 1, 2, 4, 8, 12, 14, 15, 16, 18, 17, 15, 15, 16, 19, 24, 28, 27, 22, 14, 8,
];

/// The demo poll's window in minutes after its start (09:00 on day 0): it
/// closes at 18:00 on day 14.
pub(super) const WINDOW_MINUTES: i64 = 14 * 24 * 60 + 9 * 60;

/// Age groups of the first poll's voters, per option chosen there
/// (relative weights): the profile shows each option's voters by age.
pub(super) const AGE_WEIGHTS: [[u64; 4]; 4] = [
    [22, 36, 28, 14], // Energy
    [42, 33, 17, 8],  // Trade
    [14, 24, 30, 32], // Military
    [1, 18, 41, 40],  // Food: almost no one under 30
];
