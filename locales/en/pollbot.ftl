## Dates
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
date = {$day} {$month} {$year}
period = {$start} – {$end}
period-open = since {$start}

## Summary and chart
voters = { $count ->
    [one] {$count_text} voter
   *[other] {$count_text} voters
}
tally-option = {$option} — {$count} ({$share})
option-added-by-on = added by {$name}, {$date}
option-added-by = added by {$name}
option-added-on = added {$date}
option-added = added by a member
turnout-counted = counted {$date}
turnout-counted-at-close = counted at close
turnout-members = {$voters_text} of {$members_text} { $members ->
    [one] member
   *[other] members
} ({$share}, {$counted})
turnout-subscribers = {$voters_text} of {$members_text} { $members ->
    [one] subscriber
   *[other] subscribers
} ({$share}, {$counted})
turnout-campaign = {$voters_text} of {$members_text} { $members ->
    [one] member
   *[other] members
} of the {$chats} chats ({$share})
quorum-met = Quorum met: {$voters_text}, {$needed_text} needed.
quorum-missed = Quorum not met: {$voters_text}, {$needed_text} needed. The result below does not stand.
quorum-unknown = Quorum of {$percent}% of members: the member count at close is unknown, so it cannot be judged.
reminder-closes = ⏰ Poll {$number} "{$question}" closes in {$left} ({$date}).
reminder-so-far = So far: {$turnout}.
reminder-hidden = Its results stay hidden until it closes.
left-days = { $count ->
    [one] {$count} day
   *[other] {$count} days
}
left-hours = { $count ->
    [one] {$count} hour
   *[other] {$count} hours
}
left-minutes = { $count ->
    [one] {$count} minute
   *[other] {$count} minutes
}
state-open = open
state-open-until = open until {$date}
state-closed = closed
state-closed-at = closed {$date}
state-anonymous = anonymous
shares-of-voters = Several answers were allowed: shares are of voters.
top-comments = Most-approved comments
top-comment = {$rank}. 👍 {$approvals} · {$author}: "{$text}"
top-comment-with-option = {$rank}. 👍 {$approvals} · {$author} ({$option}): "{$text}"
anonymous-author = anonymous

## /polls
polls-header = Polls in this chat:
polls-members-only = members of over a day only
polls-countries = voters from {$countries}
polls-row = {$number} {$question} — {$voters} · {$state}

## Replies
poll-posted = Poll {$number} is open. Reply to it to comment; /results {$n} shows the results.
lang-set = From now on I speak English in this chat.
poll-closed-already = Poll {$number} is already closed; here are its final results.
warning-not-admin = I am not an administrator of this chat, so Telegram does not tell me about reactions and they cannot count as approvals. Make me an administrator to count them.
warning-no-photo-right = I may not send photos in this chat, so here are the results as text.

## Mistakes
usage-newpoll =
    Write it like this:
    /newpoll [--multiple] [--anonymous] [--hidden] [--final] [--open] [--shuffle] [--ranked | --pick K] [--quorum N|P%] [--members-only] [--countries CC,CC] [--at WHEN] [--every 1w] [--until WHEN [--remind 1d,1h]] Question?
    > optional description
    Option one
    Option two
    or on one line: /newpoll Question? | Option one | Option two
    WHEN is YYYY-MM-DD, "YYYY-MM-DD HH:MM" or HH:MM (in the chat's /timezone, UTC until set), RFC 3339, or a duration such as 90m, 36h, 14d.
    --hidden: results hidden until it closes; --final: votes cannot be changed; --open: members may add options (public polls only); --shuffle: options in random order; --ranked: a ranked-choice ballot; --pick K: choose up to K; --quorum 100 or 30%: voters, or share of members, needed for the result to stand; in channels, --members-only: members of over a day only; --countries RU,CN: voters from those countries only.
error-newpoll-empty = A poll needs a question and at least two options.
error-skipped-time = {$when} does not exist in {$zone}: the clocks skip that hour. Choose another time.
timezone-set = Times in this chat are now read and shown in {$zone}. Exports stay in UTC.
timezone-is = Times in this chat are read and shown in {$zone}. Change it with /timezone ZONE, for example /timezone Europe/Moscow.
error-timezone-unknown = "{$name}" is not a time zone I know: use an IANA name such as Europe/Moscow, Asia/Shanghai or UTC.
error-timezone-extra = /timezone takes one zone, for example /timezone Europe/Moscow.
poll-scheduled = Poll {$number} will be posted on {$date}. /scheduled lists the waiting polls; /cancel {$number} drops it.
series-scheduled = Poll {$number} starts a series posted {$every}, the first on {$date}; each run closes when the next is posted. /scheduled shows the next run; /cancel with its number stops the series.
every-days = { $count ->
    [one] every day
   *[other] every {$count} days
}
every-weeks = { $count ->
    [one] every week
   *[other] every {$count} weeks
}
every-months = { $count ->
    [one] every month
   *[other] every {$count} months
}
trend-title = {$number} {$question}, run by run
trend-run = {$number} ({$date}): {$voters} · {$shares}
trend-footer = { $runs ->
    [one] {$runs} run; the number under each bar is its voters
   *[other] {$runs} runs; the number under each bar is its voters
}
not-a-series = Poll {$number} is not part of a series: /newpoll --every 1w posts one.
scheduled-header = Polls waiting to be posted:
scheduled-row = {$number} {$question} — {$date}
scheduled-none = No polls are waiting to be posted in this chat.
scheduled-cancelled = Poll {$number} will not be posted.
not-scheduled = No poll {$number} is waiting to be posted: /scheduled lists the ones that are.
error-cancel-missing = /cancel needs the number of a waiting poll, for example /cancel 3 (/scheduled lists them).
error-unknown-flag = "{$flag}" is not a /newpoll option: use --multiple, --anonymous, --hidden, --final, --open, --shuffle, --ranked, --pick K, --quorum N, --members-only, --countries CC, --at WHEN, --every 1w, --until WHEN or --remind 1d,1h.
error-missing-when = --until needs a time after it.
error-unreadable-when = "{$when}" is not a time I can read.
error-when-in-past = {$date} has already passed: choose a time in the future.
error-empty-question = The question is empty.
error-question-too-long = The question has {$length} characters; Telegram allows at most {$limit}.
error-empty-option = One of the options is empty.
error-option-too-long = The option "{$option}" has {$length} characters; Telegram allows at most {$limit}.
error-too-few-options = A poll needs at least {$limit} options; this one has {$count}.
error-too-many-options = Telegram allows at most {$limit} options; this poll has {$count}.
error-duplicate-option = "{$option}" appears twice; every option must be different.
error-poll-ref = "{$arg}" is not a poll number. Write {$command} 3 or {$command} #3, or reply to the poll with {$command}.
error-extra-arguments = {$command} takes one poll number at most, for example {$command} 3.
error-export-argument = "{$arg}" is not something /export understands. Write /export [poll] [csv|json], for example /export 3 json.
error-report-argument = "{$arg}" is not something /report understands. Write /report [poll] [--by poll], for example /report 3 --by 2.
error-lang-missing = Which language? Write /lang en, /lang zh or /lang ru.
error-lang-extra = /lang takes one language code: /lang en, /lang zh or /lang ru.
error-lang-unknown = "{$code}" is not a language I speak. Write /lang en, /lang zh or /lang ru.
error-not-moderator = Only this chat's moderators can use {$command}.
error-no-polls = This chat has no polls yet. A moderator can start one with /newpoll.
error-poll-not-found = There is no poll {$number} in this chat. /polls lists them.
error-unknown-command = I don't know {$command}. /help lists what I can do.
error-internal = Sorry, something went wrong on my side. Please try again in a minute.
refusal-no-rights = Telegram would not let me do this here: I am missing an administrator right it needs. An administrator can grant it to me.
refusal-message-gone = Telegram would not do this: the message it concerns no longer exists.
refusal-other = Telegram refused this request, so nothing changed.
poll-unconfirmed = I asked Telegram to post the poll but could not confirm that it went out, so I am not counting it. If it appeared in the chat, delete it and send /newpoll again.
close-refused = Poll {$number} stays open. {$why}
export-too-large = The export of poll {$number} is larger than Telegram lets me send, even zipped. The bot's operator can write it with:
    {$command}

## Help
help =
    I run opinion polls and report their results.
    Moderators:
    /newpoll Question? | Option one | Option two — start a poll (or put each option on its own line, with a "> description" line under the question; flags --multiple, --anonymous, --hidden, --final, --open, --shuffle, --until 14d; --ranked for a ranked-choice ballot, --pick 2 to choose up to two, --quorum 30% for a quorum, --remind 1d with --until for a reminder)
    /results [poll] — chart, tally and the most-approved comments
    /export [poll] [csv|json] — the raw votes and comments as files
    /close [poll] — stop a poll and post its final results
    /report [poll] [--by poll] — the full report as a page: one section per option, timeline, methodology; --by crosses it with another poll (e.g. age bands)
    /share [poll] [off] — a code that lets another chat or channel post the same poll; results then combine every chat (off revokes it)
    /post CODE — post here a poll another chat shared, with its code
    /lang en|zh|ru — the language I use in this chat
    /newpoll --at 2026-12-10 09:00 Question? | A | B — post it later (--every 1w: again every week, /report N --trend shows the runs); /scheduled lists the waiting polls, /cancel N drops one
    /timezone Europe/Moscow — the time zone this chat reads and shows times in (UTC until set)
    Everyone:
    /polls — this chat's polls
    Vote with the poll's buttons. Reply to a poll to comment; react 👍 ❤ 🔥 👏 💯 to a comment, or reply +1, to approve it.
    A poll is #N; without a number a command means the poll you reply to, or the latest.
    In a forum, I answer in the topic a command was sent in; a poll's results go to its topic.
    Members who are not moderators get at most 5 replies from me in 10 minutes; further commands are ignored.
start = Hello! Add me to a group and make me an administrator, so that I see replies and reactions, then start a poll with /newpoll.

## Command list (setMyCommands)
command-newpoll = Start a poll: /newpoll [--multiple --anonymous --hidden --final --open --shuffle --ranked --pick K --quorum N --until WHEN --remind 1d] Question? | A | B
command-results = Chart, tally and top comments
command-export = Votes and comments as CSV or JSON
command-close = Stop a poll and post final results
command-report = Full report: sections per option, timeline, profile
command-share = Share a poll with other chats: a code for /post
command-post = Post a poll another chat shared: /post CODE
command-polls = This chat's polls
command-scheduled = Polls waiting to be posted (/newpoll --at WHEN)
command-cancel = Drop a waiting poll: /cancel N
command-timezone = Time zone for reading and showing times: /timezone Europe/Moscow
command-lang = Language: en, zh, ru
command-help = How to use the bot

## Full report
date-short = {$day} {$month}
report-chat = Chat: {$title}
report-headline-leader = {$option} leads with {$share}.
report-headline-no-votes = Nobody has voted yet.
report-headline-discussion = Voters of {$option} wrote the most comments ({$count_text}).
report-headline-totals = { $comments ->
    [one] {$comments_text} comment
   *[other] {$comments_text} comments
}, { $approvals ->
    [one] {$approvals_text} approval.
   *[other] {$approvals_text} approvals.
}
report-section-headline = Headline
report-section-tally = Results
report-table-option = Option
report-table-votes = Votes
report-table-share = Share
report-section-options = Option by option
report-options-anonymous = This poll is anonymous: Telegram reports only counts, so comments cannot be attributed to the options their authors chose.
report-option-stats = { $count ->
    [one] {$count_text} vote
   *[other] {$count_text} votes
} ({$share}) · { $comments ->
    [one] its voters wrote {$comments_text} comment
   *[other] its voters wrote {$comments_text} comments
}
report-option-no-comments = No comments from this option's voters.
report-comment-meta = {$author} · { $approvals ->
    [one] {$approvals_text} approval
   *[other] {$approvals_text} approvals
} · {$date}
report-section-timeline = Timeline
report-timeline-title-day = {$number} New voters per day
report-timeline-title-hour = {$number} New voters per hour (UTC)
report-timeline-caption-day = New voters per day (UTC), at their first vote, coloured by the option they hold now.
report-timeline-caption-hour = New voters per hour (UTC), at their first vote, coloured by the option they hold now.
report-timeline-several = Several answers were allowed: a voter counts under each option they chose.
report-timeline-reminder = reminder
report-timeline-empty = No voter times are known (anonymous poll).
report-section-methodology = Methodology
report-method-first-vote = First vote
report-method-last-vote = Last vote
report-method-voters = Voters
report-method-changers = Voters who changed their vote
report-method-withdrawn = Votes withdrawn
report-method-comments = Comments
report-method-approvals = Approvals
report-method-approvers = Distinct approvers
report-method-visibility = Voting
report-method-public = public: the bot knows who chose what
report-method-anonymous = anonymous: Telegram reports only counts
report-method-answers = Answers
report-method-one-answer = one answer per voter
report-method-several-answers = several answers allowed
report-method-rounding = Rounding
report-method-rounding-one = Shares are rounded to a tenth of a percent by the largest remainder method, so they add up to exactly 100.0%.
report-method-rounding-several = Shares are of voters, rounded half up to a tenth of a percent; they may add up to more than 100%.
report-method-eligibility = Who could vote
report-method-eligibility-anyone = anyone who saw the poll in the chat
report-method-separator = {"; "}
report-method-period = Period
report-method-turnout = Turnout
report-method-members-posted = { $count ->
    [one] {$count_text} member
   *[other] {$count_text} members
} when it was posted ({$date})
report-method-members-closed = { $count ->
    [one] {$count_text} member
   *[other] {$count_text} members
} when it closed ({$date})
report-method-members-unknown = not known (a private chat, or Telegram did not give the member count)
report-method-quorum = Quorum
report-method-quorum-none = none
report-method-quorum-voters = {$value} voters, judged when it closes
report-method-quorum-percent = {$value}% of the members counted when it closes
report-method-interval = Intervals
report-method-interval-text = Each share's 95% confidence interval (95% CI) is a Wilson score interval. It is a model-based interval that assumes the voters were a random sample. A chat poll is self-selected, so the interval describes sampling noise, not bias.
report-interval = 95% CI {$low}–{$high}%
report-share-interval = {$share}; 95% CI {$low}–{$high}%
report-method-definitions = Voters are the people whose vote stands at the end. A voter who changed their answer counts once, however often they changed it; a vote withdrawn and cast again counts as a change only if the answer differs. Approvals are 👍 ❤ 🔥 👏 💯 reactions and +1 replies; distinct approvers are the people who approve at least one comment. Times are UTC.
report-section-profile = Profile
report-profile-title = {$number} by {$by_number} {$by_question}
report-profile-caption = Each option's voters by their answer to {$by_number} “{$by_question}”, among the { $voters ->
    [one] {$voters_text} voter
   *[other] {$voters_text} voters
} who answered both polls. Shares are of each row.
report-profile-footer = { $voters ->
    [one] {$voters_text} voter answered both polls
   *[other] {$voters_text} voters answered both polls
} · cells under 5 voters shown as <5
report-profile-rule = Cells with fewer than 5 voters are shown as <5, so that no small group of people can be singled out.
report-profile-none = No profile in this report: cross the poll with another public poll of this chat (an age band, say) with /report --by N.
report-generated = Made by pollbot, {$date}.
error-by-not-found = There is no poll {$number} in this chat to cross with. /polls lists them.
error-by-anonymous = Poll {$number} is anonymous: Telegram does not tell who voted for what, so it cannot be crossed. Choose a public poll.
error-by-own-anonymous = This poll is anonymous: Telegram does not tell who voted for what, so it cannot be crossed with another poll.

## Newest poll features
error-open-anonymous = --open cannot go with --anonymous: Telegram lets members add options to public polls only. Drop one of the two.
error-open-in-channel = --open cannot be used in a channel: polls in channels are always anonymous, and Telegram lets members add options to public polls only. Nothing was posted.
error-empty-description = The description line after "> " is empty.
error-description-too-long = The description has {$length} characters; Telegram allows at most {$limit}.
polls-row-hidden = {$number} {$question} — results hidden until it closes · {$state}
hidden-start-private-chat = Poll {$number} keeps its results hidden until it closes, so I send them to moderators privately, but Telegram does not let me write to you first. Open a private chat with me, press Start, then ask again.
hidden-no-private-chat = Poll {$number} keeps its results hidden until it closes, and I send them only privately to a moderator who writes as themselves, not anonymously or as a channel.

## Several chats (/share, /post)
error-share-argument = "{$arg}" is not something /share understands. Write /share [poll] [off], for example /share 3 or /share 3 off.
error-post-missing-code = Which poll? Write /post and the code the other chat's moderator gave you, for example /post J7QK-2MXA.
error-post-bad-code = "{$code}" is not a share code. A code has eight letters and digits, like J7QK-2MXA; /share in the poll's chat gives one.
share-code = Poll {$number} can now be posted in other chats and channels. A moderator there sends:
    /post {$code}
    The code works until the poll closes; /share {$n} off revokes it. /results here then combines every chat.
share-revoked = The code {$code} no longer works. Chats that already posted poll {$number} keep their copies.
share-no-code = Poll {$number} has no share code to revoke.
share-closed = Poll {$number} is closed, so it can no longer be shared.
share-is-copy = Poll {$number} is a copy of another chat's poll: only the chat it comes from can share it.
post-unknown-code = No poll has the code {$code}. Check it with the moderator who shared it; nothing was posted.
post-revoked-code = The code {$code} was revoked by the chat that shared it; nothing was posted.
post-expired-code = The code {$code} has expired: the poll it shared is closed. Nothing was posted.
post-already-here = This poll is already in this chat as {$number}; nothing was posted again.
post-posted = Poll {$number} is open: a copy of poll {$origin_number} from {$origin}. Votes here count in the combined results; /results {$n} shows them.
post-origin-untitled = another chat
post-private-chat = A shared poll is posted in a group or channel, not in a private chat: send /post CODE there. Nothing was posted.
post-too-many-copies = The poll of code {$code} is posted in {$max} other chats already, as many as one poll may be; nothing was posted.
polls-shared = { $count ->
    [0] shared, not posted elsewhere yet
    [one] shared with {$count} other chat
   *[other] shared with {$count} other chats
}
polls-joined = a copy of another chat's poll
campaign-status = Combined over {$chats} chats
campaign-chats = { $chats ->
    [one] {$chats} chat
   *[other] {$chats} chats
}
campaign-by-chat = By chat:
campaign-chat-row = {$title} — {$voters}: {$options}
campaign-chat-row-anonymous = {$title} (anonymous) — {$voters}: {$options}
campaign-chat-option = {$option} {$count} ({$share})
campaign-chat-untitled = Chat {$index}
campaign-deduplicated = { $count ->
    [one] {$count_text} person voted in more than one chat and counts once, with their latest vote.
   *[other] {$count_text} people voted in more than one chat; each counts once, with their latest vote.
}
campaign-anonymous-note = Anonymous copies report only counts, so their voters cannot be matched with other chats': someone who voted there and elsewhere counts twice.
top-comment-in-chat = {$rank}. 👍 {$approvals} · {$author} · {$chat}: "{$text}"
top-comment-in-chat-with-option = {$rank}. 👍 {$approvals} · {$author} ({$option}) · {$chat}: "{$text}"
report-section-chats = By chat
report-table-chat = Chat

## Button ballots (--ranked, --pick K)
ballot-clear = Clear
ballot-how-ranked = Rank the options: tap them in order of preference. Clear starts over.
ballot-how-pick = Pick up to {$limit}: tap an option to pick it, tap it again to drop it.
ballot-count = { $count ->
    [one] {$count} ballot
   *[other] {$count} ballots
}
ballot-closed = This poll is closed.
toast-ranking = Your ranking: {$ranking}
toast-picks = Your picks ({$count} of {$limit}): {$picks}
toast-cleared = Your ballot is empty: tap the options again.
toast-already-ranked = That option is already in your ranking. Tap Clear to start over.
toast-limit = You can pick at most {$limit}. Tap a pick to drop it first.
toast-closed = This poll is closed: ballots can no longer change.
toast-unknown = This button is not part of an open ballot of mine.
error-ranked-and-pick = Use --ranked or --pick K, once and not both.
error-bad-country = "{$code}" is not a country code: --countries takes two-letter ISO 3166-1 codes separated by commas (--countries RU,CN; FT for anonymous numbers).
error-too-many-countries = --countries names {$count} countries; Telegram takes at most {$limit}.
error-no-countries = --countries needs the codes of the countries whose users may vote, for example --countries RU,CN.
error-channel-only-flag = {$flag} works only for polls in channels: Telegram limits who may vote only there.
error-remind-without-until = --remind needs --until: a reminder comes that long before the poll closes.
error-bad-reminder = "{$value}" is not a time before the deadline: --remind takes durations such as 1d, 6h or 30m, separated by commas.
error-reminder-in-past = A reminder {$value} before the deadline would fall in the past: choose a shorter time, or a later --until.
error-too-many-reminders = --remind lists {$count} reminders; a poll takes at most {$limit}.
error-bad-every = --every needs a period such as 1d, 1w or 1mo (days, weeks, months), not "{$value}".
error-bad-quorum = --quorum needs a number of voters (--quorum 100) or a share of the chat's members (--quorum 30%), not "{$value}".
error-quorum-in-private = A quorum of members needs a group or a channel: a private chat has no members to count. Use a number of voters (--quorum 10).
error-bad-pick = --pick needs the most options a voter may pick, a whole number of at least 1 (not "{$value}"), for example --pick 2.
error-pick-over-options = --pick {$limit} allows more picks than the poll has options ({$count}).
error-native-only-flag = {$flag} works only with Telegram's own polls; --ranked and --pick are ballots of my own buttons. Drop one of the two.
error-too-many-ballot-options = A --ranked or --pick ballot takes at most {$limit} options; this one has {$count}.
share-button-ballot = Poll {$number} is a --ranked or --pick ballot of my own buttons: it cannot be shared with other chats (only Telegram's own polls can). Nothing was shared.
ballot-winner = Winner by instant runoff: {$option} (rounds: {$rounds})
ballot-no-winner = No winner: no ballot ranks any option.

## ranked results
ranked-ballots = { $count ->
    [one] {$count_text} ballot
   *[other] {$count_text} ballots
}
report-headline-ranked-winner = {$option} wins the instant runoff after { $rounds ->
    [one] {$rounds} round.
   *[other] {$rounds} rounds.
}
report-headline-first-preferences = {$option} led the first preferences with {$share}.
report-tally-first-preferences = These are first preferences: each ballot counted once, for the option it ranks first. The instant runoff below decides the winner.
ranked-no-winner = No ballots yet, so there is no winner.
ranked-winner = Winner: {$option}, after { $rounds ->
    [one] {$rounds} round
   *[other] {$rounds} rounds
} of instant runoff
ranked-last-round = Round {$round}, { $count ->
    [one] {$count_text} ballot counted:
   *[other] {$count_text} ballots counted:
}
ranked-exhausted = Exhausted ballots (none of their options left in the count): {$count_text}
ranked-borda = Borda scores: {$scores}
ranked-borda-score = {$option} {$score}
ranked-condorcet = Condorcet winner: {$option} (beats every other option head to head)
ranked-condorcet-none = No Condorcet winner: no option beats every other head to head
ranked-round = Round {$round}
ranked-chart-winner = winner
ranked-chart-eliminated = eliminated in round {$round}
ranked-chart-footer = {$ballots} · { $rounds ->
    [one] {$rounds} round
   *[other] {$rounds} rounds
} · {$exhausted_text} exhausted · {$period}
report-section-rounds = Instant runoff, round by round
report-rounds-exhausted = Exhausted
report-rounds-eliminated = Eliminated
report-rounds-rule = Each round counts every ballot for its highest-ranked option still in the count; a ballot with none left is exhausted. An option with more than half of the counted ballots, or the last one left, wins; otherwise the option with the fewest votes is eliminated.
report-section-borda = Borda scores
report-table-borda = Score
report-borda-rule = With {$options} options, an option ranked r-th on a ballot scores {$options} − r; an unranked option scores 0.
report-section-head-to-head = Head to head
report-head-to-head-rule = Each cell: the ballots that rank the row's option above the column's (a ranked option is above every unranked one). Highlighted cells: the row's option wins that pair.
