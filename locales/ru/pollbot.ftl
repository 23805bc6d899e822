## Dates
month-1 = янв.
month-2 = февр.
month-3 = мар.
month-4 = апр.
month-5 = мая
month-6 = июн.
month-7 = июл.
month-8 = авг.
month-9 = сент.
month-10 = окт.
month-11 = нояб.
month-12 = дек.
date = {$day} {$month} {$year}
period = {$start} – {$end}
period-open = с {$start}

## Summary and chart
voters = { $count ->
    [one] {$count_text} участник
    [few] {$count_text} участника
   *[many] {$count_text} участников
}
tally-option = {$option} — {$count} ({$share})
option-added-by-on = добавил(а) {$name}, {$date}
option-added-by = добавил(а) {$name}
option-added-on = добавлен {$date}
option-added = добавлен участником
turnout-counted = подсчёт {$date}
turnout-counted-at-close = подсчёт при закрытии
turnout-members = {$voters_text} из {$members_text} { $members ->
    [one] участника чата
   *[other] участников чата
} ({$share}, {$counted})
turnout-subscribers = {$voters_text} из {$members_text} { $members ->
    [one] подписчика
   *[other] подписчиков
} ({$share}, {$counted})
turnout-campaign = {$voters_text} из {$members_text} { $members ->
    [one] участника
   *[other] участников
} этих чатов ({$share})
quorum-met = Кворум есть: {$voters_text}, нужно {$needed_text}.
quorum-missed = Кворума нет: {$voters_text}, нужно {$needed_text}. Результат ниже не считается решением.
quorum-unknown = Кворум — {$percent}% участников чата: их число при закрытии неизвестно, поэтому судить нельзя.
reminder-closes = ⏰ Опрос {$number} «{$question}» закроется через {$left} ({$date}).
reminder-so-far = Пока: {$turnout}.
reminder-hidden = Его итоги скрыты до закрытия.
left-days = { $count ->
    [one] {$count} день
    [few] {$count} дня
   *[many] {$count} дней
}
left-hours = { $count ->
    [one] {$count} час
    [few] {$count} часа
   *[many] {$count} часов
}
left-minutes = { $count ->
    [one] {$count} минуту
    [few] {$count} минуты
   *[many] {$count} минут
}
state-open = открыт
state-open-until = открыт до {$date}
state-closed = закрыт
state-closed-at = закрыт {$date}
state-anonymous = анонимный
shares-of-voters = Можно было выбрать несколько ответов: доли — от числа участников.
top-comments = Самые одобряемые комментарии
top-comment = {$rank}. 👍 {$approvals} · {$author}: «{$text}»
top-comment-with-option = {$rank}. 👍 {$approvals} · {$author} ({$option}): «{$text}»
anonymous-author = аноним

## /polls
polls-header = Опросы этого чата:
polls-members-only = только участники старше суток
polls-countries = голосующие из {$countries}
polls-row = {$number} {$question} — {$voters} · {$state}

## Replies
poll-posted = Опрос {$number} открыт. Отвечайте на него, чтобы комментировать; /results {$n} покажет итоги.
lang-set = Теперь я говорю в этом чате по-русски.
poll-closed-already = Опрос {$number} уже закрыт; вот его итоги.
warning-not-admin = Я не администратор этого чата, поэтому Telegram не сообщает мне о реакциях, и они не засчитываются как одобрения. Сделайте меня администратором.
warning-no-photo-right = Мне нельзя отправлять фото в этом чате, поэтому вот итоги текстом.

## Mistakes
usage-newpoll =
    Пишите так:
    /newpoll [--multiple] [--anonymous] [--hidden] [--final] [--open] [--shuffle] [--ranked | --pick K] [--quorum N|P%] [--members-only] [--countries CC,CC] [--at КОГДА] [--every 1w] [--until КОГДА [--remind 1d,1h]] Вопрос?
    > необязательное описание
    Вариант один
    Вариант два
    или в одну строку: /newpoll Вопрос? | Вариант один | Вариант два
    КОГДА — это YYYY-MM-DD, "YYYY-MM-DD HH:MM" или HH:MM (в поясе чата из /timezone, по умолчанию UTC), RFC 3339 или срок, например 90m, 36h, 14d.
    --hidden: итоги скрыты до закрытия; --final: голос нельзя изменить; --open: участники могут добавлять варианты (только в открытых опросах); --shuffle: варианты в случайном порядке; --ranked: рейтинговое голосование; --pick K: выбрать до K вариантов; --quorum 100 или 30%: сколько голосующих или какая доля участников нужна, чтобы итог считался; в каналах --members-only: только участники старше суток; --countries RU,CN: только голосующие из этих стран.
error-newpoll-empty = Опросу нужны вопрос и хотя бы два варианта.
error-skipped-time = {$when} не существует в зоне {$zone}: часы перескакивают этот час. Выберите другое время.
timezone-set = Теперь время в этом чате читается и показывается в зоне {$zone}. Выгрузки остаются в UTC.
timezone-is = Время в этом чате читается и показывается в зоне {$zone}. Изменить: /timezone ЗОНА, например /timezone Europe/Moscow.
error-timezone-unknown = «{$name}» — не известный мне часовой пояс: укажите имя IANA, например Europe/Moscow, Asia/Shanghai или UTC.
error-timezone-extra = /timezone принимает один пояс, например /timezone Europe/Moscow.
poll-scheduled = Опрос {$number} будет опубликован {$date}. /scheduled — список ожидающих; /cancel {$number} — отменить.
series-scheduled = Опрос {$number} начинает серию: публикуется {$every}, первый раз {$date}; каждый выпуск закрывается, когда выходит следующий. /scheduled покажет следующий; /cancel с его номером остановит серию.
every-days = { $count ->
    [one] каждый день
    [few] каждые {$count} дня
   *[many] каждые {$count} дней
}
every-weeks = { $count ->
    [one] каждую неделю
    [few] каждые {$count} недели
   *[many] каждые {$count} недель
}
every-months = { $count ->
    [one] каждый месяц
    [few] каждые {$count} месяца
   *[many] каждые {$count} месяцев
}
trend-title = {$number} {$question}: выпуск за выпуском
trend-run = {$number} ({$date}): {$voters} · {$shares}
trend-footer = { $runs ->
    [one] {$runs} выпуск; число под столбцом — голосовавшие в нём
    [few] {$runs} выпуска; число под столбцом — голосовавшие в нём
   *[many] {$runs} выпусков; число под столбцом — голосовавшие в нём
}
not-a-series = Опрос {$number} не входит в серию: /newpoll --every 1w начинает серию.
scheduled-header = Опросы, ожидающие публикации:
scheduled-row = {$number} {$question} — {$date}
scheduled-none = В этом чате нет опросов, ожидающих публикации.
scheduled-cancelled = Опрос {$number} не будет опубликован.
not-scheduled = Опрос {$number} не ожидает публикации: /scheduled покажет те, что ожидают.
error-cancel-missing = /cancel нужен номер ожидающего опроса, например /cancel 3 (/scheduled покажет их).
error-unknown-flag = «{$flag}» — не параметр /newpoll: используйте --multiple, --anonymous, --hidden, --final, --open, --shuffle, --ranked, --pick K, --quorum N, --members-only, --countries CC, --at КОГДА, --every 1w, --until КОГДА или --remind 1d,1h.
error-missing-when = После --until нужно время.
error-unreadable-when = Не могу прочитать время «{$when}».
error-when-in-past = {$date} уже прошло: выберите время в будущем.
error-empty-question = Вопрос пуст.
error-question-too-long = В вопросе {$length} символов; Telegram разрешает не больше {$limit}.
error-empty-option = Один из вариантов пуст.
error-option-too-long = В варианте «{$option}» {$length} символов; Telegram разрешает не больше {$limit}.
error-too-few-options = Опросу нужно не меньше {$limit} вариантов; здесь {$count}.
error-too-many-options = Telegram разрешает не больше {$limit} вариантов; здесь {$count}.
error-duplicate-option = Вариант «{$option}» повторяется; все варианты должны различаться.
error-poll-ref = «{$arg}» — не номер опроса. Напишите {$command} 3 или {$command} #3 либо ответьте {$command} на опрос.
error-extra-arguments = {$command} принимает не больше одного номера опроса, например {$command} 3.
error-export-argument = /export не понимает «{$arg}». Напишите /export [опрос] [csv|json], например /export 3 json.
error-report-argument = /report не понимает «{$arg}». Напишите /report [опрос] [--by опрос], например /report 3 --by 2.
error-lang-missing = Какой язык? Напишите /lang en, /lang zh или /lang ru.
error-lang-extra = /lang принимает один код языка: /lang en, /lang zh или /lang ru.
error-lang-unknown = Я не говорю на «{$code}». Напишите /lang en, /lang zh или /lang ru.
error-not-moderator = Только модераторы этого чата могут использовать {$command}.
error-no-polls = В этом чате ещё нет опросов. Модератор может начать опрос командой /newpoll.
error-poll-not-found = В этом чате нет опроса {$number}. /polls покажет список.
error-unknown-command = Я не знаю команды {$command}. /help покажет, что я умею.
error-internal = Извините, у меня что-то сломалось. Попробуйте через минуту.
refusal-no-rights = Telegram не позволил мне сделать это здесь: у меня нет нужного права администратора. Администратор может его выдать.
refusal-message-gone = Telegram не выполнил запрос: нужного сообщения больше нет.
refusal-other = Telegram отклонил запрос, ничего не изменилось.
poll-unconfirmed = Я попросил Telegram опубликовать опрос, но не смог убедиться, что он вышел, поэтому не учитываю его. Если он появился в чате, удалите его и отправьте /newpoll ещё раз.
close-refused = Опрос {$number} остаётся открытым. {$why}
export-too-large = Экспорт опроса {$number} больше, чем Telegram позволяет отправить даже в архиве. Оператор бота может выгрузить его командой:
    {$command}

## Help
help =
    Я провожу опросы и подвожу их итоги.
    Модераторам:
    /newpoll Вопрос? | Вариант один | Вариант два — начать опрос (или каждый вариант с новой строки, а под вопросом строка «> описание»; флаги --multiple, --anonymous, --hidden, --final, --open, --shuffle, --until 14d; --ranked — голосование с ранжированием, --pick 2 — выбрать до двух, --quorum 30% — кворум, --remind 1d вместе с --until — напоминание)
    /results [опрос] — диаграмма, подсчёт и самые одобряемые комментарии
    /export [опрос] [csv|json] — голоса и комментарии файлами
    /close [опрос] — закрыть опрос и опубликовать итоги
    /report [опрос] [--by опрос] — полный отчёт страницей: раздел на каждый вариант, хронология, методика; --by сопоставляет с другим опросом (например, возрастом)
    /share [опрос] [off] — код, с которым другой чат или канал опубликует тот же опрос; итоги объединят все чаты (off отзывает код)
    /post КОД — опубликовать здесь опрос, которым поделился другой чат
    /lang en|zh|ru — язык бота в этом чате
    /newpoll --at 2026-12-10 09:00 Вопрос? | A | B — опубликовать позже (--every 1w: снова каждую неделю, /report N --trend — выпуски); /scheduled — ожидающие, /cancel N — отменить
    /timezone Europe/Moscow — часовой пояс, в котором чат читает и показывает время (по умолчанию UTC)
    Всем:
    /polls — опросы этого чата
    Голосуйте кнопками опроса. Ответьте на опрос, чтобы прокомментировать; поставьте 👍 ❤ 🔥 👏 💯 комментарию или ответьте +1, чтобы его одобрить.
    Опрос обозначается #N; без номера команда относится к опросу, на который вы отвечаете, или к последнему.
    В форуме я отвечаю в той теме, где прислана команда; итоги опроса публикуются в его теме.
    Участники, не являющиеся модераторами, получают от меня не больше 5 ответов за 10 минут; остальные команды игнорируются.
start = Привет! Добавьте меня в группу и сделайте администратором, чтобы я видел ответы и реакции, и начните опрос командой /newpoll.

## Command list (setMyCommands)
command-newpoll = Начать опрос: /newpoll [--multiple --anonymous --hidden --final --open --shuffle --ranked --pick K --quorum N --until КОГДА --remind 1d] Вопрос? | A | B
command-results = Диаграмма, подсчёт и лучшие комментарии
command-export = Голоса и комментарии в CSV или JSON
command-close = Закрыть опрос и опубликовать итоги
command-report = Полный отчёт: по вариантам, хронология, профиль
command-share = Поделиться опросом с другими чатами: код для /post
command-post = Опубликовать опрос другого чата: /post КОД
command-polls = Опросы этого чата
command-scheduled = Опросы, ожидающие публикации (/newpoll --at КОГДА)
command-cancel = Отменить ожидающий опрос: /cancel N
command-timezone = Часовой пояс для чтения и показа времени: /timezone Europe/Moscow
command-lang = Язык: en, zh, ru
command-help = Как пользоваться ботом

## Full report
date-short = {$day} {$month}
report-chat = Чат: {$title}
report-headline-leader = Лидирует «{$option}»: {$share}.
report-headline-no-votes = Пока никто не проголосовал.
report-headline-discussion = Больше всего комментариев написали выбравшие «{$option}» ({$count_text}).
report-headline-totals = Комментариев: {$comments_text}, одобрений: {$approvals_text}.
report-section-headline = Главное
report-section-tally = Результаты
report-table-option = Вариант
report-table-votes = Голоса
report-table-share = Доля
report-section-options = По вариантам
report-options-anonymous = Опрос анонимный: Telegram сообщает только числа, поэтому комментарии нельзя отнести к вариантам, выбранным их авторами.
report-option-stats = { $count ->
    [one] {$count_text} голос
    [few] {$count_text} голоса
   *[many] {$count_text} голосов
} ({$share}) · комментариев от выбравших: {$comments_text}
report-option-no-comments = Выбравшие этот вариант не оставили комментариев.
report-comment-meta = {$author} · одобрений: {$approvals_text} · {$date}
report-section-timeline = Динамика
report-timeline-title-day = {$number} Новые участники по дням
report-timeline-title-hour = {$number} Новые участники по часам (UTC)
report-timeline-caption-day = Новые участники по дням (UTC), по времени первого голоса; цвет — вариант, выбранный сейчас.
report-timeline-caption-hour = Новые участники по часам (UTC), по времени первого голоса; цвет — вариант, выбранный сейчас.
report-timeline-several = Можно было выбрать несколько ответов: участник учтён под каждым выбранным вариантом.
report-timeline-reminder = напоминание
report-timeline-empty = Время голосов неизвестно (анонимный опрос).
report-section-methodology = Методика
report-method-first-vote = Первый голос
report-method-last-vote = Последний голос
report-method-voters = Участники
report-method-changers = Изменили свой голос
report-method-withdrawn = Отозвано голосов
report-method-comments = Комментарии
report-method-approvals = Одобрения
report-method-approvers = Разных одобривших
report-method-visibility = Голосование
report-method-public = открытое: бот знает, кто что выбрал
report-method-anonymous = анонимное: Telegram сообщает только числа
report-method-answers = Ответы
report-method-one-answer = один ответ
report-method-several-answers = можно несколько ответов
report-method-rounding = Округление
report-method-rounding-one = Доли округлены до десятой процента методом наибольшего остатка, поэтому в сумме ровно 100.0%.
report-method-rounding-several = Доли — от числа участников, округлены до десятой процента; в сумме может быть больше 100%.
report-method-eligibility = Кто мог голосовать
report-method-eligibility-anyone = все, кто видел опрос в чате
report-method-separator = {"; "}
report-method-period = Период
report-method-turnout = Явка
report-method-members-posted = { $count ->
    [one] {$count_text} участник
    [few] {$count_text} участника
   *[many] {$count_text} участников
} чата при публикации ({$date})
report-method-members-closed = { $count ->
    [one] {$count_text} участник
    [few] {$count_text} участника
   *[many] {$count_text} участников
} чата при закрытии ({$date})
report-method-members-unknown = неизвестно (личный чат, или Telegram не сообщил число участников)
report-method-quorum = Кворум
report-method-quorum-none = нет
report-method-quorum-voters = {$value} голосующих, проверяется при закрытии
report-method-quorum-percent = {$value}% участников чата на момент закрытия
report-method-interval = Интервалы
report-method-interval-text = 95-процентный доверительный интервал (95% ДИ) каждой доли — интервал Уилсона. Это модельный интервал: он предполагает, что участники — случайная выборка. В опросе в чате участвует тот, кто сам захотел (самоотбор), поэтому интервал описывает случайный разброс выборки, а не смещение.
report-interval = 95% ДИ {$low}–{$high}%
report-share-interval = {$share}; 95% ДИ {$low}–{$high}%
report-method-definitions = Участники — те, чей голос действует в конце. Изменивший ответ учитывается один раз, сколько бы раз он его ни менял; отозванный и поданный снова голос считается изменением, только если ответ другой. Одобрения — реакции 👍 ❤ 🔥 👏 💯 и ответы +1; разные одобрившие — люди, одобрившие хотя бы один комментарий. Время — UTC.
report-section-profile = Профиль участников
report-profile-title = {$number} по {$by_number} {$by_question}
report-profile-caption = Выбравшие каждый вариант по их ответу на {$by_number} «{$by_question}», среди участников обоих опросов ({$voters_text}). Доли — по строкам.
report-profile-footer = Участников обоих опросов: {$voters_text} · ячейки меньше 5 показаны как <5
report-profile-rule = Ячейки, где меньше 5 участников, показаны как <5, чтобы нельзя было выделить небольшую группу людей.
report-profile-none = В этом отчёте нет профиля: сопоставьте опрос с другим открытым опросом чата (например, о возрасте) командой /report --by N.
report-generated = Составлено pollbot, {$date}.
error-by-not-found = В этом чате нет опроса {$number} для сопоставления. /polls покажет список.
error-by-anonymous = Опрос {$number} анонимный: Telegram не сообщает, кто что выбрал, поэтому его нельзя сопоставить. Выберите открытый опрос.
error-by-own-anonymous = Этот опрос анонимный: Telegram не сообщает, кто что выбрал, поэтому его нельзя сопоставить с другим опросом.

## Newest poll features
error-open-anonymous = --open нельзя сочетать с --anonymous: Telegram разрешает участникам добавлять варианты только в открытых опросах. Уберите один из флагов.
error-open-in-channel = В канале нельзя использовать --open: опросы в каналах всегда анонимны, а Telegram разрешает добавлять варианты только в открытых опросах. Ничего не опубликовано.
error-empty-description = Описание после «> » пустое.
error-description-too-long = В описании {$length} символов; Telegram допускает не больше {$limit}.
polls-row-hidden = {$number} {$question} — итоги скрыты до закрытия · {$state}
hidden-start-private-chat = Опрос {$number} скрывает итоги до закрытия, поэтому я отправляю их модераторам лично, но Telegram не позволяет мне написать вам первым. Откройте личный чат со мной, нажмите «Старт» и попросите ещё раз.
hidden-no-private-chat = Опрос {$number} скрывает итоги до закрытия, а я отправляю их лично только модератору, который пишет от своего имени, а не анонимно или от имени канала.

## Several chats (/share, /post)
error-share-argument = «{$arg}» — непонятный аргумент для /share. Пишите /share [опрос] [off], например /share 3 или /share 3 off.
error-post-missing-code = Какой опрос? Напишите /post и код, который дал модератор другого чата, например /post J7QK-2MXA.
error-post-bad-code = «{$code}» — не код опроса. Код состоит из восьми букв и цифр, например J7QK-2MXA; его даёт /share в чате опроса.
share-code = Опрос {$number} теперь можно опубликовать в других чатах и каналах. Модератор там отправляет:
    /post {$code}
    Код действует, пока опрос открыт; /share {$n} off отзывает его. /results здесь объединит все чаты.
share-revoked = Код {$code} больше не действует. Чаты, уже опубликовавшие опрос {$number}, сохраняют свои копии.
share-no-code = У опроса {$number} нет кода, который можно отозвать.
share-closed = Опрос {$number} закрыт, делиться им больше нельзя.
share-is-copy = Опрос {$number} — копия опроса другого чата: поделиться им может только исходный чат.
post-unknown-code = Нет опроса с кодом {$code}. Уточните код у модератора, который им поделился; ничего не опубликовано.
post-revoked-code = Код {$code} отозван чатом, который им поделился; ничего не опубликовано.
post-expired-code = Срок кода {$code} истёк: опрос, которым он делился, закрыт. Ничего не опубликовано.
post-already-here = Этот опрос уже есть в этом чате под номером {$number}; повторно он не опубликован.
post-posted = Опрос {$number} открыт: копия опроса {$origin_number} из чата «{$origin}». Голоса здесь входят в общие итоги; /results {$n} покажет их.
post-origin-untitled = другой чат
post-private-chat = Общий опрос публикуют в группе или канале, а не в личном чате: отправьте /post КОД там. Ничего не опубликовано.
post-too-many-copies = Опрос с кодом {$code} уже опубликован в {$max} других чатах — это предел для одного опроса; ничего не опубликовано.
polls-shared = { $count ->
    [0] общий, ещё нигде не опубликован
    [one] опубликован ещё в {$count} чате
   *[other] опубликован ещё в {$count} чатах
}
polls-joined = копия опроса другого чата
campaign-status = Вместе по {$chats} чатам
campaign-chats = { $chats ->
    [one] {$chats} чат
    [few] {$chats} чата
   *[many] {$chats} чатов
}
campaign-by-chat = По чатам:
campaign-chat-row = {$title} — {$voters}: {$options}
campaign-chat-row-anonymous = {$title} (анонимно) — {$voters}: {$options}
campaign-chat-option = {$option} {$count} ({$share})
campaign-chat-untitled = Чат {$index}
campaign-deduplicated = { $count ->
    [one] {$count_text} человек голосовал в нескольких чатах и учтён один раз, по последнему голосу.
    [few] {$count_text} человека голосовали в нескольких чатах; каждый учтён один раз, по последнему голосу.
   *[many] {$count_text} человек голосовали в нескольких чатах; каждый учтён один раз, по последнему голосу.
}
campaign-anonymous-note = Анонимные копии сообщают только числа, поэтому их участников нельзя сопоставить с другими чатами: кто голосовал и там, и в другом чате, учтён дважды.
top-comment-in-chat = {$rank}. 👍 {$approvals} · {$author} · {$chat}: «{$text}»
top-comment-in-chat-with-option = {$rank}. 👍 {$approvals} · {$author} ({$option}) · {$chat}: «{$text}»
report-section-chats = По чатам
report-table-chat = Чат

## Button ballots (--ranked, --pick K)
ballot-clear = Очистить
ballot-how-ranked = Расставьте варианты: нажимайте их в порядке предпочтения. «Очистить» — начать заново.
ballot-how-pick = Выберите до {$limit}: нажмите вариант, чтобы выбрать, и ещё раз, чтобы убрать.
ballot-count = { $count ->
    [one] {$count} бюллетень
    [few] {$count} бюллетеня
   *[many] {$count} бюллетеней
}
ballot-closed = Опрос закрыт.
toast-ranking = Ваш порядок: {$ranking}
toast-picks = Ваш выбор ({$count} из {$limit}): {$picks}
toast-cleared = Ваш бюллетень пуст: нажмите варианты снова.
toast-already-ranked = Этот вариант уже в вашем порядке. Нажмите «Очистить», чтобы начать заново.
toast-limit = Можно выбрать не больше {$limit}. Сначала уберите один из выбранных.
toast-closed = Опрос закрыт: бюллетени больше не меняются.
toast-unknown = Эта кнопка не относится к открытому голосованию.
error-ranked-and-pick = Используйте --ranked или --pick K, один раз и не оба сразу.
error-bad-country = «{$code}» — не код страны: --countries принимает двухбуквенные коды ISO 3166-1 через запятую (--countries RU,CN; FT — анонимные номера).
error-too-many-countries = В --countries {$count} стран; Telegram принимает не больше {$limit}.
error-no-countries = После --countries нужны коды стран, пользователи из которых могут голосовать, например --countries RU,CN.
error-channel-only-flag = {$flag} работает только для опросов в каналах: Telegram ограничивает круг голосующих только там.
error-remind-without-until = --remind нужен вместе с --until: напоминание приходит за указанное время до закрытия.
error-bad-reminder = «{$value}» — не срок до закрытия: --remind принимает длительности через запятую, например 1d, 6h или 30m.
error-reminder-in-past = Напоминание за {$value} до закрытия пришлось бы на прошлое: выберите срок короче или --until позже.
error-too-many-reminders = В --remind {$count} напоминаний; у опроса их может быть не больше {$limit}.
error-bad-every = После --every нужен период, например 1d, 1w или 1mo (дни, недели, месяцы), а не «{$value}».
error-bad-quorum = После --quorum нужно число участников (--quorum 100) или доля участников чата (--quorum 30%), а не «{$value}».
error-quorum-in-private = Кворум от числа участников нужен в группе или канале: в личном чате считать некого. Укажите число голосующих (--quorum 10).
error-bad-pick = После --pick нужно, сколько вариантов можно выбрать, — целое число не меньше 1 (а не «{$value}»), например --pick 2.
error-pick-over-options = --pick {$limit} разрешает выбрать больше вариантов, чем есть в опросе ({$count}).
error-native-only-flag = {$flag} работает только с опросами Telegram; --ranked и --pick — бюллетени на моих кнопках. Уберите один из флагов.
error-too-many-ballot-options = В бюллетене --ranked или --pick не больше {$limit} вариантов; здесь {$count}.
share-button-ballot = Опрос {$number} — бюллетень --ranked или --pick на моих кнопках: им нельзя поделиться с другими чатами (можно только опросами Telegram). Ничего не отправлено.
ballot-winner = Победитель мгновенного второго тура: {$option} (раундов: {$rounds})
ballot-no-winner = Победителя нет: ни один бюллетень не ранжирует варианты.

## ranked results
ranked-ballots = { $count ->
    [one] {$count_text} бюллетень
    [few] {$count_text} бюллетеня
   *[many] {$count_text} бюллетеней
}
ranked-no-winner = Бюллетеней пока нет, поэтому победителя нет.
report-headline-ranked-winner = «{$option}» побеждает в подсчёте с выбыванием после { $rounds ->
    [one] {$rounds} тура.
   *[other] {$rounds} туров.
}
report-headline-first-preferences = Больше всего первых предпочтений у «{$option}»: {$share}.
report-tally-first-preferences = Это первые предпочтения: каждый бюллетень учтён один раз, за вариант, поставленный первым. Победителя определяет подсчёт с выбыванием ниже.
ranked-winner = Победитель: {$option}, после { $rounds ->
    [one] {$rounds} тура
   *[other] {$rounds} туров
} подсчёта с выбыванием
ranked-last-round = Тур {$round}, учтено { $count ->
    [one] {$count_text} бюллетень:
    [few] {$count_text} бюллетеня:
   *[many] {$count_text} бюллетеней:
}
ranked-exhausted = Исчерпанные бюллетени (в них не осталось вариантов, участвующих в подсчёте): {$count_text}
ranked-borda = Очки по Борда: {$scores}
ranked-borda-score = {$option} {$score}
ranked-condorcet = Победитель по Кондорсе: {$option} (побеждает каждый другой вариант в парном сравнении)
ranked-condorcet-none = Победителя по Кондорсе нет: ни один вариант не побеждает все остальные в парном сравнении
ranked-round = Тур {$round}
ranked-chart-winner = победитель
ranked-chart-eliminated = выбыл в туре {$round}
ranked-chart-footer = {$ballots} · { $rounds ->
    [one] {$rounds} тур
    [few] {$rounds} тура
   *[many] {$rounds} туров
} · исчерпано: {$exhausted_text} · {$period}
report-section-rounds = Подсчёт с выбыванием, тур за туром
report-rounds-exhausted = Исчерпано
report-rounds-eliminated = Выбыл
report-rounds-rule = В каждом туре бюллетень засчитывается за вариант, стоящий в нём выше всех из ещё участвующих в подсчёте; бюллетень, в котором таких не осталось, исчерпан. Побеждает вариант, набравший больше половины учтённых бюллетеней, или последний оставшийся; иначе выбывает вариант с наименьшим числом голосов.
report-section-borda = Очки по Борда
report-table-borda = Очки
report-borda-rule = При {$options} вариантах вариант на r-м месте в бюллетене получает {$options} − r очков; вариант без места — 0.
report-section-head-to-head = Парные сравнения
report-head-to-head-rule = В каждой клетке — число бюллетеней, в которых вариант строки стоит выше варианта столбца (вариант с местом выше любого варианта без места). Выделенные клетки: вариант строки выигрывает эту пару.
