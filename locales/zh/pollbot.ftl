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
option-added-by-on = 由 {$name} 于 {$date} 添加
option-added-by = 由 {$name} 添加
option-added-on = 于 {$date} 添加
option-added = 由成员添加
turnout-counted = 统计于 {$date}
turnout-counted-at-close = 结束时统计
turnout-members = {$voters_text}，共 {$members_text} 名成员（{$share}，{$counted}）
turnout-subscribers = {$voters_text}，共 {$members_text} 名订阅者（{$share}，{$counted}）
turnout-campaign = {$voters_text}，{$chats} 个群共 {$members_text} 名成员（{$share}）
quorum-met = 已达法定人数：{$voters_text}，需要 {$needed_text} 人。
quorum-missed = 未达法定人数：{$voters_text}，需要 {$needed_text} 人。以下结果不作为决定。
quorum-unknown = 法定人数为成员的 {$percent}%：结束时的成员人数未知，无法判断。
reminder-closes = ⏰ 投票 {$number}“{$question}”将在 {$left}后结束（{$date}）。
reminder-so-far = 目前：{$turnout}。
reminder-hidden = 结束前结果保持隐藏。
left-days = {$count} 天
left-hours = {$count} 小时
left-minutes = {$count} 分钟
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
polls-members-only = 仅限入群超过一天的成员
polls-countries = 仅限来自 {$countries} 的投票者
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
    /newpoll [--multiple] [--anonymous] [--hidden] [--final] [--open] [--shuffle] [--ranked | --pick K] [--quorum N|P%] [--members-only] [--countries CC,CC] [--at 时间] [--every 1w] [--until 时间 [--remind 1d,1h]] 问题？
    > 可选的说明
    选项一
    选项二
    或写在一行：/newpoll 问题？ | 选项一 | 选项二
    时间可以是 YYYY-MM-DD、"YYYY-MM-DD HH:MM" 或 HH:MM（按本群的 /timezone，默认 UTC）、RFC 3339，或时长，如 90m、36h、14d。
    --hidden：结束前隐藏结果；--final：投票后不能更改；--open：成员可以添加选项（仅限公开投票）；--shuffle：选项顺序随机；--ranked：排序投票；--pick K：最多选 K 项；--quorum 100 或 30%：结果有效所需的投票人数或成员比例；频道中，--members-only：仅限入群超过一天的成员；--countries RU,CN：仅限来自这些国家的投票者。
error-newpoll-empty = 投票需要一个问题和至少两个选项。
error-skipped-time = {$when} 在 {$zone} 不存在：时钟跳过了这一小时。请选择其他时间。
timezone-set = 本群的时间现在按 {$zone} 读取和显示。导出文件仍使用 UTC。
timezone-is = 本群的时间按 {$zone} 读取和显示。可用 /timezone 时区 更改，例如 /timezone Asia/Shanghai。
error-timezone-unknown = “{$name}”不是我认识的时区：请使用 IANA 名称，例如 Europe/Moscow、Asia/Shanghai 或 UTC。
error-timezone-extra = /timezone 只接受一个时区，例如 /timezone Asia/Shanghai。
poll-scheduled = 投票 {$number} 将于 {$date} 发布。/scheduled 列出待发布的投票；/cancel {$number} 取消它。
series-scheduled = 投票 {$number} 开始一个系列，{$every}发布一次，第一次在 {$date}；每一期在下一期发布时结束。/scheduled 显示下一期；用 /cancel 加它的编号停止这个系列。
every-days = 每 {$count} 天
every-weeks = 每 {$count} 周
every-months = 每 {$count} 个月
trend-title = {$number} {$question}：逐期变化
trend-run = {$number}（{$date}）：{$voters} · {$shares}
trend-footer = 共 {$runs} 期；每根柱子下的数字是该期的投票人数
not-a-series = 投票 {$number} 不属于任何系列：/newpoll --every 1w 可以发起系列。
scheduled-header = 待发布的投票：
scheduled-row = {$number} {$question} — {$date}
scheduled-none = 本群没有待发布的投票。
scheduled-cancelled = 投票 {$number} 不会发布了。
not-scheduled = 没有待发布的投票 {$number}：/scheduled 列出待发布的投票。
error-cancel-missing = /cancel 需要待发布投票的编号，例如 /cancel 3（/scheduled 列出它们）。
error-unknown-flag = “{$flag}”不是 /newpoll 的参数：请使用 --multiple、--anonymous、--hidden、--final、--open、--shuffle、--ranked、--pick K、--quorum N、--members-only、--countries CC、--at 时间、--every 1w、--until 时间或 --remind 1d,1h。
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
error-report-argument = /report 无法理解“{$arg}”。请写 /report [投票] [--by 投票]，例如 /report 3 --by 2。
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
    /newpoll 问题？ | 选项一 | 选项二 — 发起投票（也可以每行一个选项，并在问题下加一行“> 说明”；参数 --multiple、--anonymous、--hidden、--final、--open、--shuffle、--until 14d；--ranked 排序投票，--pick 2 最多选两项，--quorum 30% 设定法定人数，--remind 1d 配合 --until 发提醒）
    /results [投票] — 图表、计票和最受认同的评论
    /export [投票] [csv|json] — 以文件导出原始投票和评论
    /close [投票] — 结束投票并公布最终结果
    /report [投票] [--by 投票] — 完整报告页面：每个选项一节、时间线、方法说明；--by 与另一个投票（如年龄段）交叉
    /share [投票] [off] — 生成代码，让其他群组或频道发布同一投票；结果随后合并所有群组（off 撤销代码）
    /post 代码 — 用代码在这里发布其他群组分享的投票
    /lang en|zh|ru — 我在这里使用的语言
    /newpoll --at 2026-12-10 09:00 问题？ | A | B — 稍后发布（--every 1w：每周再发，/report N --trend 显示各期）；/scheduled 列出待发布的投票，/cancel N 取消
    /timezone Asia/Shanghai — 本群读取和显示时间所用的时区（默认 UTC）
    所有人：
    /polls — 这里的投票
    用投票按钮投票。回复投票即可评论；对评论回应 👍 ❤ 🔥 👏 💯，或回复 +1，表示认同。
    投票编号为 #N；不写编号时，命令作用于你回复的投票，否则作用于最新的投票。
    在论坛中，我会在发送命令的话题里回复；投票的结果发布在它所在的话题。
    非管理员成员在 10 分钟内最多收到我 5 条回复；之后的命令将被忽略。
start = 你好！把我加入群组并设为管理员，这样我才能看到回复和表情回应，然后用 /newpoll 发起投票。

## Command list (setMyCommands)
command-newpoll = 发起投票：/newpoll [--multiple --anonymous --hidden --final --open --shuffle --ranked --pick K --quorum N --until 时间 --remind 1d] 问题？ | A | B
command-results = 图表、计票和热门评论
command-export = 以 CSV 或 JSON 导出投票和评论
command-close = 结束投票并公布最终结果
command-report = 完整报告：分选项、时间线、参与者构成
command-share = 把投票分享到其他群组：生成 /post 代码
command-post = 发布其他群组分享的投票：/post 代码
command-polls = 这里的投票
command-scheduled = 待发布的投票（/newpoll --at 时间）
command-cancel = 取消待发布的投票：/cancel N
command-timezone = 读取和显示时间所用的时区：/timezone Asia/Shanghai
command-lang = 语言：en、zh、ru
command-help = 使用说明

## Full report
date-short = {$month_number}月{$day}日
report-chat = 群组：{$title}
report-headline-leader = {$option}领先，占 {$share}。
report-headline-no-votes = 还没有人投票。
report-headline-discussion = 选择“{$option}”的投票者评论最多（{$count_text} 条）。
report-headline-totals = 共 {$comments_text} 条评论，{$approvals_text} 个赞同。
report-section-headline = 要点
report-section-tally = 结果
report-table-option = 选项
report-table-votes = 票数
report-table-share = 占比
report-section-options = 各选项详情
report-options-anonymous = 这是匿名投票：Telegram 只报告票数，因此无法把评论归到作者所选的选项。
report-option-stats = {$count_text} 票（{$share}）· 其投票者写了 {$comments_text} 条评论
report-option-no-comments = 选择此项的投票者没有发表评论。
report-comment-meta = {$author} · {$approvals_text} 个赞同 · {$date}
report-section-timeline = 时间线
report-timeline-title-day = {$number} 每日新增投票者
report-timeline-title-hour = {$number} 每小时新增投票者（UTC）
report-timeline-caption-day = 每日（UTC）新增投票者，按首次投票时间计，颜色表示其当前所选的选项。
report-timeline-caption-hour = 每小时（UTC）新增投票者，按首次投票时间计，颜色表示其当前所选的选项。
report-timeline-several = 本投票允许多选：投票者在其所选的每个选项下各计一次。
report-timeline-reminder = 提醒
report-timeline-empty = 没有投票者的时间信息（匿名投票）。
report-section-methodology = 方法说明
report-method-first-vote = 第一票
report-method-last-vote = 最后一票
report-method-voters = 投票者
report-method-changers = 改过票的投票者
report-method-withdrawn = 撤回的票
report-method-comments = 评论
report-method-approvals = 赞同
report-method-approvers = 不同的赞同者
report-method-visibility = 投票方式
report-method-public = 公开：机器人知道谁选了什么
report-method-anonymous = 匿名：Telegram 只报告票数
report-method-answers = 答案
report-method-one-answer = 每人一个答案
report-method-several-answers = 允许多选
report-method-rounding = 舍入
report-method-rounding-one = 占比按最大余额法舍入到 0.1%，因此合计正好是 100.0%。
report-method-rounding-several = 占比是占投票者的比例，四舍五入到 0.1%；合计可能超过 100%。
report-method-eligibility = 谁可以投票
report-method-eligibility-anyone = 在群里看到投票的任何人
report-method-separator = ；
report-method-period = 期间
report-method-turnout = 参与率
report-method-members-posted = 发布时 {$count_text} 名成员（{$date}）
report-method-members-closed = 结束时 {$count_text} 名成员（{$date}）
report-method-members-unknown = 未知（私聊，或 Telegram 未提供成员人数）
report-method-quorum = 法定人数
report-method-quorum-none = 无
report-method-quorum-voters = {$value} 名投票者，结束时判断
report-method-quorum-percent = 结束时成员人数的 {$value}%
report-method-interval = 置信区间
report-method-interval-text = 每个占比的 95% 置信区间为 Wilson 得分区间。这是基于模型的区间，假定投票者是随机抽取的样本。群聊投票的参与者是自愿参加的，并非随机抽样，因此该区间只反映抽样误差，不反映偏差。
report-interval = 95% 置信区间 {$low}–{$high}%
report-share-interval = {$share}；95% 置信区间 {$low}–{$high}%
report-method-definitions = 投票者是最终仍有有效投票的人。改过票的投票者无论改了几次都只计一次；撤回后重新投票，只有答案不同时才算改票。赞同包括 👍 ❤ 🔥 👏 💯 表情回应和 +1 回复；不同的赞同者是至少赞同过一条评论的人。时间均为 UTC。
report-section-profile = 参与者构成
report-profile-title = {$number} 按 {$by_number} {$by_question}
report-profile-caption = 在两个投票都参加了的 {$voters_text} 位投票者中，各选项的投票者在 {$by_number}“{$by_question}”中的回答。占比按行计算。
report-profile-footer = {$voters_text} 位投票者参加了两个投票 · 少于 5 人的格子显示为 <5
report-profile-rule = 少于 5 位投票者的格子显示为 <5，以免识别出少数个人。
report-profile-none = 本报告没有参与者构成：用 /report --by N 将本投票与本群的另一个公开投票（例如年龄段）交叉。
report-generated = 由 pollbot 生成，{$date}。
error-by-not-found = 本群没有投票 {$number} 可以交叉。/polls 可列出所有投票。
error-by-anonymous = 投票 {$number} 是匿名的：Telegram 不告诉谁选了什么，因此无法交叉。请选择一个公开投票。
error-by-own-anonymous = 这个投票是匿名的：Telegram 不告诉谁选了什么，因此无法与其他投票交叉。

## Newest poll features
error-open-anonymous = --open 不能与 --anonymous 同时使用：Telegram 只允许成员在公开投票中添加选项。请去掉其中一个。
error-open-in-channel = 频道中不能使用 --open：频道里的投票总是匿名的，而 Telegram 只允许成员在公开投票中添加选项。没有发布任何内容。
error-empty-description = “> ”后面的说明是空的。
error-description-too-long = 说明有 {$length} 个字符；Telegram 最多允许 {$limit} 个。
polls-row-hidden = {$number} {$question} — 结果在结束前隐藏 · {$state}
hidden-start-private-chat = 投票 {$number} 在结束前隐藏结果，所以我只私下发给管理员，但 Telegram 不允许我先给你发消息。请先打开与我的私聊并点击“开始”，然后再试一次。
hidden-no-private-chat = 投票 {$number} 在结束前隐藏结果，我只会私下发给以本人身份（而非匿名或以频道身份）发言的管理员。

## Several chats (/share, /post)
error-share-argument = /share 无法理解“{$arg}”。请写 /share [投票] [off]，例如 /share 3 或 /share 3 off。
error-post-missing-code = 要发布哪个投票？请写 /post 加上对方管理员给你的代码，例如 /post J7QK-2MXA。
error-post-bad-code = “{$code}”不是分享代码。代码由八个字母和数字组成，例如 J7QK-2MXA；在投票所在群组中使用 /share 获取。
share-code = 投票 {$number} 现在可以发布到其他群组和频道。请那里的管理员发送：
    /post {$code}
    代码在投票结束前有效；/share {$n} off 可撤销。之后这里的 /results 会合并所有群组的结果。
share-revoked = 代码 {$code} 已失效。已发布投票 {$number} 的群组保留各自的副本。
share-no-code = 投票 {$number} 没有可撤销的分享代码。
share-closed = 投票 {$number} 已结束，不能再分享。
share-is-copy = 投票 {$number} 是其他群组投票的副本：只有原群组可以分享它。
post-unknown-code = 没有投票使用代码 {$code}。请向分享它的管理员核对；未发布任何内容。
post-revoked-code = 代码 {$code} 已被分享它的群组撤销；未发布任何内容。
post-expired-code = 代码 {$code} 已过期：它分享的投票已结束。未发布任何内容。
post-already-here = 这个投票已在本群组中，编号 {$number}；不会再次发布。
post-posted = 投票 {$number} 已开始：来自{$origin}的投票 {$origin_number} 的副本。这里的投票计入合并结果；/results {$n} 可查看。
post-origin-untitled = 另一个群组
post-private-chat = 分享的投票只能发布在群组或频道中，不能发布在私聊里：请在那里发送 /post 代码。未发布任何内容。
post-too-many-copies = 代码 {$code} 的投票已在 {$max} 个其他群组中发布，已达上限；未发布任何内容。
polls-shared = { $count ->
    [0] 已分享，尚未在其他群组发布
   *[other] 已分享到 {$count} 个其他群组
}
polls-joined = 其他群组投票的副本
campaign-status = 合并 {$chats} 个群组
campaign-chats = {$chats} 个群组
campaign-by-chat = 各群组：
campaign-chat-row = {$title} — {$voters}：{$options}
campaign-chat-row-anonymous = {$title}（匿名）— {$voters}：{$options}
campaign-chat-option = {$option} {$count}（{$share}）
campaign-chat-untitled = 群组 {$index}
campaign-deduplicated = {$count_text} 人在多个群组投票，每人只计一次，以最后一次投票为准。
campaign-anonymous-note = 匿名副本只报告票数，无法与其他群组的投票人对应：在那里和其他群组都投票的人会被计算两次。
top-comment-in-chat = {$rank}. 👍 {$approvals} · {$author} · {$chat}：“{$text}”
top-comment-in-chat-with-option = {$rank}. 👍 {$approvals} · {$author}（{$option}）· {$chat}：“{$text}”
report-section-chats = 各群组
report-table-chat = 群组

## Button ballots (--ranked, --pick K)
ballot-clear = 清除
ballot-how-ranked = 请排序：按偏好顺序依次点击选项。点“清除”可重新开始。
ballot-how-pick = 最多选 {$limit} 项：点击选项即选中，再点一次取消。
ballot-count = {$count} 张选票
ballot-closed = 本投票已结束。
toast-ranking = 你的排序：{$ranking}
toast-picks = 你的选择（{$count}/{$limit}）：{$picks}
toast-cleared = 你的选票已清空：请重新点击选项。
toast-already-ranked = 这个选项已在你的排序中。点“清除”可重新开始。
toast-limit = 最多只能选 {$limit} 项。请先点击已选的选项取消。
toast-closed = 本投票已结束：选票不能再更改。
toast-unknown = 这个按钮不属于我正在进行的投票。
error-ranked-and-pick = --ranked 和 --pick K 只能用其中一个，且只能用一次。
error-bad-country = “{$code}”不是国家代码：--countries 需要用逗号分隔的两位 ISO 3166-1 代码（--countries RU,CN；匿名号码用 FT）。
error-too-many-countries = --countries 列出了 {$count} 个国家；Telegram 最多接受 {$limit} 个。
error-no-countries = --countries 需要可以投票的用户所在国家的代码，例如 --countries RU,CN。
error-channel-only-flag = {$flag} 只适用于频道中的投票：Telegram 只在频道里限制谁能投票。
error-remind-without-until = --remind 需要 --until：提醒会在投票结束前相应的时间发出。
error-bad-reminder = “{$value}”不是截止前的时长：--remind 需要用逗号分隔的时长，例如 1d、6h 或 30m。
error-reminder-in-past = 截止前 {$value} 的提醒已经在过去：请选更短的时长，或更晚的 --until。
error-too-many-reminders = --remind 列出了 {$count} 个提醒；一个投票最多 {$limit} 个。
error-bad-every = --every 需要一个周期，例如 1d、1w 或 1mo（天、周、月），而不是“{$value}”。
error-bad-quorum = --quorum 后面需要投票人数（--quorum 100）或群成员的百分比（--quorum 30%），而不是“{$value}”。
error-quorum-in-private = 按成员比例的法定人数只适用于群组或频道：私聊没有可统计的成员。请改用投票人数（--quorum 10）。
error-bad-pick = --pick 后面需要每人最多可选的项数，即不小于 1 的整数（而不是“{$value}”），例如 --pick 2。
error-pick-over-options = --pick {$limit} 允许选的项数多于投票的选项数（{$count}）。
error-native-only-flag = {$flag} 只适用于 Telegram 自带的投票；--ranked 和 --pick 是我自己的按钮投票。请去掉其中一个。
error-too-many-ballot-options = --ranked 或 --pick 投票最多 {$limit} 个选项；现在有 {$count} 个。
share-button-ballot = 投票 {$number} 是用我的按钮进行的 --ranked 或 --pick 投票，不能分享到其他聊天（只有 Telegram 自带的投票可以）。未分享任何内容。
ballot-winner = 即时决选胜出：{$option}（共 {$rounds} 轮）
ballot-no-winner = 没有胜出者：没有任何选票给选项排序。

## ranked results
ranked-ballots = {$count_text} 张选票
ranked-no-winner = 尚无选票，因此没有获胜者。
report-headline-ranked-winner = {$option}在即时决选中胜出（共 {$rounds} 轮）。
report-headline-first-preferences = {$option}在第一偏好中领先，占 {$share}。
report-tally-first-preferences = 以上是第一偏好：每张选票只计一次，计入其排在第一位的选项。获胜者由下面的即时决选决定。
ranked-winner = 获胜者：{$option}（即时决选，共 {$rounds} 轮）
ranked-last-round = 第 {$round} 轮，计入 {$count_text} 张选票：
ranked-exhausted = 已用尽的选票（其中的选项都已不在计票中）：{$count_text} 张
ranked-borda = 波达计分：{$scores}
ranked-borda-score = {$option} {$score}
ranked-condorcet = 孔多塞胜者：{$option}（在两两对决中胜过其他所有选项）
ranked-condorcet-none = 没有孔多塞胜者：没有一个选项在两两对决中胜过其他所有选项
ranked-round = 第 {$round} 轮
ranked-chart-winner = 获胜
ranked-chart-eliminated = 第 {$round} 轮淘汰
ranked-chart-footer = {$ballots} · 共 {$rounds} 轮 · 已用尽 {$exhausted_text} 张 · {$period}
report-section-rounds = 即时决选：逐轮计票
report-rounds-exhausted = 已用尽
report-rounds-eliminated = 本轮淘汰
report-rounds-rule = 每一轮中，每张选票计入其排名最高、且仍在计票中的选项；没有这样的选项的选票即为“已用尽”。得票超过计入选票半数的选项，或最后剩下的选项获胜；否则淘汰得票最少的选项。
report-section-borda = 波达计分
report-table-borda = 得分
report-borda-rule = 共 {$options} 个选项：在选票上排第 r 位的选项得 {$options} − r 分，未排名的选项得 0 分。
report-section-head-to-head = 两两对决
report-head-to-head-rule = 每一格：把该行选项排在该列选项之前的选票数（已排名的选项排在所有未排名的选项之前）。高亮的格子：该行选项在这一对中获胜。
