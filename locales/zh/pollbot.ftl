## Dates
month-1 = 1
month-2 = 2
month-3 = 3
month-4 = 4
month-5 = 5
month-6 = 6
month-7 = 7
month-8 = 8
month-9 = 9
month-10 = 10
month-11 = 11
month-12 = 12
date = {$year}年{$month}月{$day}日
period = {$start} – {$end}
period-open = 自 {$start} 起

## Summary and chart
voters = {$count_text} 位投票者
tally-option = {$option} — {$count} ({$share})
state-open = 进行中
state-open-until = 进行中，截止 {$date}
state-closed = 已结束
state-closed-at = 已于 {$date} 结束
state-anonymous = 匿名
shares-of-voters = 本投票可多选：百分比为占投票人数的比例。
top-comments = 最受认同的评论
top-comment = {$rank}. 👍 {$approvals} · {$author}：“{$text}”
top-comment-with-option = {$rank}. 👍 {$approvals} · {$author}（{$option}）：“{$text}”
anonymous-author = 匿名

## /polls
polls-header = 这里的投票：
polls-row = {$number} {$question} — {$voters} · {$state}

## Replies
poll-posted = 投票 {$number} 已开始。回复投票即可评论；/results {$n} 查看结果。
lang-set = 从现在起，我在这里使用中文。
poll-closed-already = 投票 {$number} 已经结束；以下是最终结果。
warning-not-admin = 我不是这里的管理员，因此 Telegram 不会把表情回应告诉我，回应无法计为认同。请把我设为管理员。
warning-no-photo-right = 我无权在这里发送图片，以下是文字版结果。

## Mistakes
usage-newpoll =
    正确的写法：
    /newpoll [--multiple] [--anonymous] [--hidden] [--final] [--open] [--shuffle] [--until 时间] 问题？
    > 可选的说明
    选项一
    选项二
    或写在一行：/newpoll 问题？ | 选项一 | 选项二
    时间可以是 YYYY-MM-DD、"YYYY-MM-DD HH:MM"（UTC）、RFC 3339，或时长，如 90m、36h、14d。
    --hidden：结束前隐藏结果；--final：投票后不能更改；--open：成员可以添加选项（仅限公开投票）；--shuffle：选项顺序随机。
error-newpoll-empty = 投票需要一个问题和至少两个选项。
error-unknown-flag = “{$flag}”不是 /newpoll 的参数：请使用 --multiple、--anonymous、--hidden、--final、--open、--shuffle 或 --until 时间。
error-missing-when = --until 后面需要一个时间。
error-unreadable-when = 无法识别时间“{$when}”。
error-when-in-past = {$date} 已经过去，请选择将来的时间。
error-empty-question = 问题是空的。
error-question-too-long = 问题有 {$length} 个字符；Telegram 最多允许 {$limit} 个。
error-empty-option = 有一个选项是空的。
error-option-too-long = 选项“{$option}”有 {$length} 个字符；Telegram 最多允许 {$limit} 个。
error-too-few-options = 投票至少需要 {$limit} 个选项；现在只有 {$count} 个。
error-too-many-options = Telegram 最多允许 {$limit} 个选项；现在有 {$count} 个。
error-duplicate-option = 选项“{$option}”出现了两次；每个选项都必须不同。
error-poll-ref = “{$arg}”不是投票编号。请写 {$command} 3 或 {$command} #3，或回复该投票并发送 {$command}。
error-extra-arguments = {$command} 最多只接受一个投票编号，例如 {$command} 3。
error-export-argument = /export 无法理解“{$arg}”。请写 /export [投票] [csv|json]，例如 /export 3 json。
error-lang-missing = 要用哪种语言？请写 /lang en、/lang zh 或 /lang ru。
error-lang-extra = /lang 只接受一个语言代码：/lang en、/lang zh 或 /lang ru。
error-lang-unknown = 我不会“{$code}”这种语言。请写 /lang en、/lang zh 或 /lang ru。
error-not-moderator = 只有这里的管理员才能使用 {$command}。
error-no-polls = 这里还没有投票。管理员可以用 /newpoll 发起投票。
error-poll-not-found = 这里没有投票 {$number}。/polls 会列出所有投票。
error-unknown-command = 我不认识 {$command}。/help 列出了我能做的事。
error-internal = 抱歉，我这边出了问题。请稍后再试。
refusal-no-rights = Telegram 不允许我在这里这样做：我缺少所需的管理员权限。管理员可以授予我该权限。
refusal-message-gone = Telegram 无法执行：相关的消息已不存在。
refusal-other = Telegram 拒绝了此请求，没有任何改变。
poll-unconfirmed = 我已请求 Telegram 发布投票，但无法确认它是否发出，因此不会统计它。如果它出现在聊天中，请删除它并重新发送 /newpoll。
close-refused = 投票 {$number} 仍然开放。{$why}
export-too-large = 投票 {$number} 的导出文件即使压缩后也超过了 Telegram 允许发送的大小。机器人的运营者可以用以下命令导出：
    {$command}

## Help
help =
    我负责发起民意投票并汇报结果。
    管理员：
    /newpoll 问题？ | 选项一 | 选项二 — 发起投票（也可以每行一个选项，并在问题下加一行“> 说明”；参数 --multiple、--anonymous、--hidden、--final、--open、--shuffle、--until 14d）
    /results [投票] — 图表、计票和最受认同的评论
    /export [投票] [csv|json] — 以文件导出原始投票和评论
    /close [投票] — 结束投票并公布最终结果
    /lang en|zh|ru — 我在这里使用的语言
    所有人：
    /polls — 这里的投票
    用投票按钮投票。回复投票即可评论；对评论回应 👍 ❤ 🔥 👏 💯，或回复 +1，表示认同。
    投票编号为 #N；不写编号时，命令作用于你回复的投票，否则作用于最新的投票。
    在论坛中，我会在发送命令的话题里回复；投票的结果发布在它所在的话题。
    非管理员成员在 10 分钟内最多收到我 5 条回复；之后的命令将被忽略。
start = 你好！把我加入群组并设为管理员，这样我才能看到回复和表情回应，然后用 /newpoll 发起投票。

## Command list (setMyCommands)
command-newpoll = 发起投票：/newpoll [--multiple --anonymous --hidden --final --open --shuffle --until 时间] 问题？ | A | B
command-results = 图表、计票和热门评论
command-export = 以 CSV 或 JSON 导出投票和评论
command-close = 结束投票并公布最终结果
command-polls = 这里的投票
command-lang = 语言：en、zh、ru
command-help = 使用说明

## Newest poll features
error-open-anonymous = --open 不能与 --anonymous 同时使用：Telegram 只允许成员在公开投票中添加选项。请去掉其中一个。
error-open-in-channel = 频道中不能使用 --open：频道里的投票总是匿名的，而 Telegram 只允许成员在公开投票中添加选项。没有发布任何内容。
error-empty-description = “> ”后面的说明是空的。
error-description-too-long = 说明有 {$length} 个字符；Telegram 最多允许 {$limit} 个。
polls-row-hidden = {$number} {$question} — 结果在结束前隐藏 · {$state}
hidden-start-private-chat = 投票 {$number} 在结束前隐藏结果，所以我只私下发给管理员，但 Telegram 不允许我先给你发消息。请先打开与我的私聊并点击“开始”，然后再试一次。
hidden-no-private-chat = 投票 {$number} 在结束前隐藏结果，我只会私下发给以本人身份（而非匿名或以频道身份）发言的管理员。
