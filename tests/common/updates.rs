//! Builders for Telegram `Update` objects in the exact Bot API JSON shape,
//! without `update_id` (the fake server assigns it on `push_update`).
//!
//! Every builder stamps `date` with the current time; use [`at`] to set
//! another date. Chat ids > 0 are private chats, ids < 0 supergroups titled
//! "Test group" (the same objects the fake server returns).
#![allow(dead_code)]

use serde_json::{Map, Value, json};

use super::fake_telegram::{BOT_USER_ID, FakeTelegram, GROUP_TITLE};

/// Telegram's placeholder `from` for messages sent on behalf of a group
/// (anonymous administrators): @GroupAnonymousBot.
pub const GROUP_ANONYMOUS_BOT_ID: i64 = 1087968824;
/// Telegram's placeholder `from` for messages sent on behalf of a channel
/// into a group, and the `user` of poll answers by a chat: @Channel_Bot.
pub const CHANNEL_BOT_ID: i64 = 136817688;
/// Title of channels created by these builders.
pub const CHANNEL_TITLE: &str = "Test channel";

/// A (non-bot) Telegram user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
}

/// A user without a username.
pub fn person(id: i64, name: &str) -> Person {
    Person {
        id,
        first_name: name.to_string(),
        username: None,
    }
}

impl Person {
    pub fn with_username(mut self, username: &str) -> Person {
        self.username = Some(username.to_string());
        self
    }

    /// The `User` object.
    pub fn user(&self) -> Value {
        let mut u = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(n) = &self.username {
            u["username"] = json!(n);
        }
        u
    }
}

/// Current unix time.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Sets `date` of the update's payload (e.g. `at(message(..), 1_700_000_000)`).
pub fn at(mut update: Value, date: i64) -> Value {
    if let Some(obj) = update.as_object_mut() {
        for (_, payload) in obj.iter_mut() {
            if let Some(p) = payload.as_object_mut()
                && p.contains_key("date")
            {
                p.insert("date".into(), json!(date));
            }
        }
    }
    update
}

/// The `Chat` of a message from `from` in `chat_id`: private when
/// `chat_id > 0 && chat_id == from.id`, otherwise the test supergroup.
pub fn chat_for(chat_id: i64, from: &Person) -> Value {
    if chat_id > 0 && chat_id == from.id {
        let mut c = json!({"id": chat_id, "type": "private", "first_name": from.first_name});
        if let Some(n) = &from.username {
            c["username"] = json!(n);
        }
        c
    } else {
        group_chat(chat_id)
    }
}

/// A supergroup chat object.
pub fn group_chat(chat_id: i64) -> Value {
    json!({"id": chat_id, "type": "supergroup", "title": GROUP_TITLE})
}

/// A channel chat object.
pub fn channel_chat(chat_id: i64) -> Value {
    json!({"id": chat_id, "type": "channel", "title": CHANNEL_TITLE})
}

/// The chat object for a chat id: private (generic user name) if > 0, else supergroup.
fn chat_by_id(chat_id: i64) -> Value {
    super::fake_telegram::chat_object(chat_id)
}

fn text_fields(m: &mut Map<String, Value>, text: &str) {
    m.insert("text".into(), json!(text));
    // Telegram marks a leading /command with a bot_command entity.
    if let Some(rest) = text.strip_prefix('/') {
        let len = 1 + rest.find(char::is_whitespace).unwrap_or(rest.len());
        let utf16_len = text[..len].encode_utf16().count();
        m.insert(
            "entities".into(),
            json!([{"type": "bot_command", "offset": 0, "length": utf16_len}]),
        );
    }
}

fn base_message(chat: Value, message_id: i32, from: Option<Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("message_id".into(), json!(message_id));
    if let Some(f) = from {
        m.insert("from".into(), f);
    }
    m.insert("chat".into(), chat);
    m.insert("date".into(), json!(now()));
    m
}

/// A minimal but complete `Message` standing for the replied-to message: a
/// text message sent by the bot (teloxide needs a full Message in
/// `reply_to_message`).
pub fn reply_to_stub(chat_id: i64, reply_to_message_id: i32) -> Value {
    let mut m = base_message(
        chat_by_id(chat_id),
        reply_to_message_id,
        Some(FakeTelegram::bot_user()),
    );
    m.insert("date".into(), json!(now() - 60));
    m.insert("text".into(), json!("(original message)"));
    Value::Object(m)
}

fn photo_sizes(seed: i32) -> Value {
    json!([
        {"file_id": format!("AgACAgIAAxkBAAIB{seed:06}s"), "file_unique_id": format!("AQADs{seed}"), "width": 90, "height": 90, "file_size": 1200},
        {"file_id": format!("AgACAgIAAxkBAAIB{seed:06}m"), "file_unique_id": format!("AQADm{seed}"), "width": 320, "height": 320, "file_size": 15000},
        {"file_id": format!("AgACAgIAAxkBAAIB{seed:06}x"), "file_unique_id": format!("AQADx{seed}"), "width": 800, "height": 800, "file_size": 60000},
    ])
}

fn with_reply(
    mut m: Map<String, Value>,
    chat_id: i64,
    reply_to: Option<i32>,
) -> Map<String, Value> {
    if let Some(r) = reply_to {
        m.insert("reply_to_message".into(), reply_to_stub(chat_id, r));
    }
    m
}

fn wrap(kind: &str, payload: Map<String, Value>) -> Value {
    let mut u = Map::new();
    u.insert(kind.into(), Value::Object(payload));
    Value::Object(u)
}

/// A text message (`message` update).
pub fn message(chat_id: i64, message_id: i32, from: &Person, text: &str) -> Value {
    let mut m = base_message(chat_for(chat_id, from), message_id, Some(from.user()));
    text_fields(&mut m, text);
    wrap("message", m)
}

/// A text message replying to message `reply_to_message_id`.
pub fn reply(
    chat_id: i64,
    message_id: i32,
    from: &Person,
    text: &str,
    reply_to_message_id: i32,
) -> Value {
    let mut m = base_message(chat_for(chat_id, from), message_id, Some(from.user()));
    text_fields(&mut m, text);
    wrap("message", with_reply(m, chat_id, Some(reply_to_message_id)))
}

/// A photo message with a caption, replying to `reply_to_message_id`.
pub fn caption_reply(
    chat_id: i64,
    message_id: i32,
    from: &Person,
    caption: &str,
    reply_to_message_id: i32,
) -> Value {
    let mut m = base_message(chat_for(chat_id, from), message_id, Some(from.user()));
    m.insert("photo".into(), photo_sizes(message_id));
    m.insert("caption".into(), json!(caption));
    wrap("message", with_reply(m, chat_id, Some(reply_to_message_id)))
}

/// A photo message without caption (no text at all), replying to
/// `reply_to_message_id`.
pub fn media_only_reply(
    chat_id: i64,
    message_id: i32,
    from: &Person,
    reply_to_message_id: i32,
) -> Value {
    let mut m = base_message(chat_for(chat_id, from), message_id, Some(from.user()));
    m.insert("photo".into(), photo_sizes(message_id));
    wrap("message", with_reply(m, chat_id, Some(reply_to_message_id)))
}

/// An `edited_message` update: message `message_id` now has `new_text`
/// (`edit_date` = now, `date` one minute earlier).
pub fn edited_message(
    chat_id: i64,
    message_id: i32,
    from: &Person,
    new_text: &str,
    reply_to: Option<i32>,
) -> Value {
    let mut m = base_message(chat_for(chat_id, from), message_id, Some(from.user()));
    m.insert("date".into(), json!(now() - 60));
    m.insert("edit_date".into(), json!(now()));
    text_fields(&mut m, new_text);
    wrap("edited_message", with_reply(m, chat_id, reply_to))
}

/// A `channel_post` update in channel `chat_id` (no `from`; `sender_chat`
/// is the channel itself).
pub fn channel_post(chat_id: i64, message_id: i32, text: &str, reply_to: Option<i32>) -> Value {
    let mut m = base_message(channel_chat(chat_id), message_id, None);
    m.insert("sender_chat".into(), channel_chat(chat_id));
    text_fields(&mut m, text);
    let mut m = with_reply(m, chat_id, reply_to);
    if let Some(Value::Object(r)) = m.get_mut("reply_to_message") {
        r.remove("from");
        r.insert("chat".into(), channel_chat(chat_id));
        r.insert("sender_chat".into(), channel_chat(chat_id));
    }
    wrap("channel_post", m)
}

/// A `message` in supergroup `chat_id` sent on behalf of a chat: when
/// `sender_chat_id == chat_id` an anonymous group admin, otherwise a user
/// posting as channel `sender_chat_id`. Like the real API, `from` holds
/// Telegram's placeholder bot (@GroupAnonymousBot resp. @Channel_Bot, both
/// `is_bot: true`), never a real user.
pub fn message_from_sender_chat(
    chat_id: i64,
    message_id: i32,
    sender_chat_id: i64,
    text: &str,
    reply_to: Option<i32>,
) -> Value {
    let (sender_chat, placeholder) = if sender_chat_id == chat_id {
        (
            group_chat(chat_id),
            json!({"id": GROUP_ANONYMOUS_BOT_ID, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"}),
        )
    } else {
        (
            channel_chat(sender_chat_id),
            json!({"id": CHANNEL_BOT_ID, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"}),
        )
    };
    let mut m = base_message(group_chat(chat_id), message_id, Some(placeholder));
    m.insert("sender_chat".into(), sender_chat);
    if sender_chat_id == chat_id {
        m.insert("author_signature".into(), json!("Admin"));
    }
    text_fields(&mut m, text);
    wrap("message", with_reply(m, chat_id, reply_to))
}

/// A `poll_answer` (non-anonymous poll). Empty `option_ids` = vote withdrawn.
pub fn poll_answer(poll_id: &str, user: &Person, option_ids: &[u32]) -> Value {
    json!({"poll_answer": {
        "poll_id": poll_id,
        "user": user.user(),
        "option_ids": option_ids,
        "option_persistent_ids": option_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
    }})
}

/// A `poll_answer` given on behalf of a chat (`voter_chat`; `user` is
/// @Channel_Bot as in the real API).
pub fn poll_answer_from_chat(poll_id: &str, chat_id: i64, option_ids: &[u32]) -> Value {
    let voter_chat = if chat_id < -1_000_000_000_000 {
        channel_chat(chat_id)
    } else {
        group_chat(chat_id)
    };
    json!({"poll_answer": {
        "poll_id": poll_id,
        "voter_chat": voter_chat,
        "user": {"id": CHANNEL_BOT_ID, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"},
        "option_ids": option_ids,
        "option_persistent_ids": option_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
    }})
}

/// A `poll` update (new poll state). `options` are (text, voter_count).
pub fn poll_state(
    poll_id: &str,
    question: &str,
    options: &[(&str, u32)],
    total_voter_count: u32,
    is_closed: bool,
    is_anonymous: bool,
    multiple: bool,
) -> Value {
    let opts: Vec<Value> = options
        .iter()
        .enumerate()
        .map(|(i, (t, n))| json!({"persistent_id": i.to_string(), "text": t, "voter_count": n}))
        .collect();
    json!({"poll": {
        "id": poll_id,
        "question": question,
        "options": opts,
        "total_voter_count": total_voter_count,
        "is_closed": is_closed,
        "is_anonymous": is_anonymous,
        "type": "regular",
        "allows_multiple_answers": multiple,
        "allows_revoting": true,
        "members_only": false,
    }})
}

fn emoji_reactions(emojis: &[&str]) -> Vec<Value> {
    emojis
        .iter()
        .map(|e| json!({"type": "emoji", "emoji": e}))
        .collect()
}

/// A `message_reaction` update: `user` changed their reaction on a message
/// from `old` to `new` emojis. Note: Telegram only sends it if the bot is an
/// admin and asked for `message_reaction` in `allowed_updates`.
pub fn reaction(chat_id: i64, message_id: i32, user: &Person, old: &[&str], new: &[&str]) -> Value {
    json!({"message_reaction": {
        "chat": chat_for(chat_id, user),
        "message_id": message_id,
        "user": user.user(),
        "date": now(),
        "old_reaction": emoji_reactions(old),
        "new_reaction": emoji_reactions(new),
    }})
}

/// A `message_reaction_count` update (anonymous reactions, e.g. channels).
pub fn reaction_count(chat_id: i64, message_id: i32, counts: &[(&str, u32)]) -> Value {
    let reactions: Vec<Value> = counts
        .iter()
        .map(|(e, n)| json!({"type": {"type": "emoji", "emoji": e}, "total_count": n}))
        .collect();
    json!({"message_reaction_count": {
        "chat": chat_by_id(chat_id),
        "message_id": message_id,
        "date": now(),
        "reactions": reactions,
    }})
}

/// A ChatMember object for `user` with `status` ("creator", "administrator",
/// "member", "restricted", "left", "kicked").
pub fn chat_member(user: Value, status: &str) -> Value {
    match status {
        "creator" => json!({"status": "creator", "user": user, "is_anonymous": false}),
        "administrator" => super::fake_telegram::administrator(user),
        "restricted" => json!({
            "status": "restricted",
            "user": user,
            "is_member": true,
            "can_send_messages": false,
            "can_send_audios": false,
            "can_send_documents": false,
            "can_send_photos": false,
            "can_send_videos": false,
            "can_send_video_notes": false,
            "can_send_voice_notes": false,
            "can_send_polls": false,
            "can_send_other_messages": false,
            "can_add_web_page_previews": false,
            "can_change_info": false,
            "can_invite_users": false,
            "can_pin_messages": false,
            "can_manage_topics": false,
            "until_date": 0,
        }),
        "kicked" => json!({"status": "kicked", "user": user, "until_date": 0}),
        "left" => json!({"status": "left", "user": user}),
        "member" => json!({"status": "member", "user": user}),
        other => panic!("chat_member: unknown status {other:?}"),
    }
}

/// A `my_chat_member` update: the bot's status in `chat_id` changed to
/// `new_status` ("member", "administrator", "left", "kicked", "restricted").
/// The old status is "left" when the bot was added/promoted to member or
/// administrator from outside, otherwise "member". The change is made by
/// user 1 in groups (the fake's default creator), by the user in private chats.
pub fn my_chat_member(chat_id: i64, new_status: &str) -> Value {
    let old_status = match new_status {
        "member" => "left",
        "administrator" => "member",
        _ => "member",
    };
    let by = if chat_id > 0 {
        json!({"id": chat_id, "is_bot": false, "first_name": format!("User{chat_id}")})
    } else {
        json!({"id": 1, "is_bot": false, "first_name": "User1"})
    };
    json!({"my_chat_member": {
        "chat": chat_by_id(chat_id),
        "from": by,
        "date": now(),
        "old_chat_member": chat_member(FakeTelegram::bot_user(), old_status),
        "new_chat_member": chat_member(FakeTelegram::bot_user(), new_status),
    }})
}

/// A `callback_query` from pressing an inline button with `data` under the
/// bot's message `message_id` in `chat_id`.
pub fn callback_query(id: &str, from: &Person, chat_id: i64, message_id: i32, data: &str) -> Value {
    json!({"callback_query": {
        "id": id,
        "from": from.user(),
        "message": reply_to_stub(chat_id, message_id),
        "chat_instance": format!("{}", chat_id.unsigned_abs() * 7 + 13),
        "data": data,
    }})
}

/// The id of the bot, for convenience in assertions.
pub fn bot_id() -> i64 {
    BOT_USER_ID
}

/// The same message, sent in forum topic `thread` of a forum supergroup.
/// As in real Telegram, a message that replies to nothing in particular
/// replies to the topic's first message (the one that created it, whose id
/// is the thread's).
pub fn in_topic(mut update: Value, thread: i32) -> Value {
    if let Some(obj) = update.as_object_mut() {
        for (_, payload) in obj.iter_mut() {
            if let Some(p) = payload.as_object_mut() {
                p.insert("message_thread_id".into(), json!(thread));
                p.insert("is_topic_message".into(), json!(true));
                let chat_id = p.get("chat").and_then(|c| c["id"].as_i64());
                if let Some(chat) = p.get_mut("chat").and_then(Value::as_object_mut) {
                    chat.insert("is_forum".into(), json!(true));
                }
                if let (Some(chat_id), false) = (chat_id, p.contains_key("reply_to_message")) {
                    let mut root = reply_to_stub(chat_id, thread);
                    root.as_object_mut().unwrap().remove("text");
                    root["forum_topic_created"] = json!({"name": "Topic", "icon_color": 7322096});
                    root["chat"]["is_forum"] = json!(true);
                    p.insert("reply_to_message".into(), root);
                }
            }
        }
    }
    update
}

/// Telegram's automatic copy of channel `channel_id`'s post `post_id`, a
/// poll (`poll`: the Poll object), in the channel's discussion group
/// `group_id`, as message `message_id`: `is_automatic_forward`, sent on
/// behalf of the channel, from Telegram's service account.
pub fn automatic_forward(
    group_id: i64,
    message_id: i32,
    channel_id: i64,
    post_id: i32,
    poll: &Value,
) -> Value {
    let telegram = json!({"id": 777000, "is_bot": false, "first_name": "Telegram"});
    let mut m = base_message(group_chat(group_id), message_id, Some(telegram));
    m.insert("sender_chat".into(), channel_chat(channel_id));
    m.insert("is_automatic_forward".into(), json!(true));
    m.insert(
        "forward_origin".into(),
        json!({"type": "channel", "chat": channel_chat(channel_id), "message_id": post_id, "date": now()}),
    );
    m.insert("poll".into(), poll.clone());
    wrap("message", m)
}

/// A `message` in supergroup `chat_id` sent as channel `channel_id` by a
/// user Telegram names in `from` (`sender_chat` is the channel).
pub fn message_as_channel_by(
    chat_id: i64,
    message_id: i32,
    channel_id: i64,
    from: &Person,
    text: &str,
    reply_to: Option<i32>,
) -> Value {
    let mut m = base_message(group_chat(chat_id), message_id, Some(from.user()));
    m.insert("sender_chat".into(), channel_chat(channel_id));
    text_fields(&mut m, text);
    wrap("message", with_reply(m, chat_id, reply_to))
}

/// A `poll_answer` naming its options by position in the poll as the voter
/// saw it and by persistent id: once options are added or deleted the two
/// differ.
pub fn poll_answer_by_ids(
    poll_id: &str,
    user: &Person,
    positions: &[u32],
    persistent_ids: &[&str],
) -> Value {
    json!({"poll_answer": {
        "poll_id": poll_id,
        "user": user.user(),
        "option_ids": positions,
        "option_persistent_ids": persistent_ids,
    }})
}

/// The service message Telegram posts when `from` adds (`added`) or
/// deletes an option of the poll in message `poll_message` of `chat_id`
/// (`poll_option_added` / `poll_option_deleted`).
#[allow(clippy::too_many_arguments)]
fn option_service_message(
    field: &str,
    chat_id: i64,
    message_id: i32,
    from: &Person,
    poll_message: i32,
    poll_id: &str,
    persistent_id: &str,
    text: &str,
) -> Value {
    let mut m = base_message(chat_for(chat_id, from), message_id, Some(from.user()));
    let mut poll_message_value = reply_to_stub(chat_id, poll_message);
    poll_message_value["poll"] = json!({
        "id": poll_id, "question": "?", "options": [], "total_voter_count": 0,
        "is_closed": false, "is_anonymous": false, "type": "regular",
        "allows_multiple_answers": false, "allows_revoting": true, "members_only": false,
    });
    m.insert(
        field.into(),
        json!({
            "poll_message": poll_message_value,
            "option_persistent_id": persistent_id,
            "option_text": text,
        }),
    );
    wrap("message", m)
}

/// `from` added option `text` (persistent id `persistent_id`) to the poll
/// `poll_id` carried by message `poll_message`.
pub fn option_added(
    chat_id: i64,
    message_id: i32,
    from: &Person,
    (poll_message, poll_id): (i32, &str),
    persistent_id: &str,
    text: &str,
) -> Value {
    option_service_message(
        "poll_option_added",
        chat_id,
        message_id,
        from,
        poll_message,
        poll_id,
        persistent_id,
        text,
    )
}

/// `from` deleted option `text` from the poll (see [`option_added`]).
pub fn option_deleted(
    chat_id: i64,
    message_id: i32,
    from: &Person,
    (poll_message, poll_id): (i32, &str),
    persistent_id: &str,
    text: &str,
) -> Value {
    option_service_message(
        "poll_option_deleted",
        chat_id,
        message_id,
        from,
        poll_message,
        poll_id,
        persistent_id,
        text,
    )
}

/// The service message a group gets when it becomes supergroup `to`
/// (`migrate_to_chat_id`), sent by `from`.
pub fn migrated_to(chat_id: i64, message_id: i32, from: &Person, to: i64) -> Value {
    let mut m = base_message(basic_group_chat(chat_id), message_id, Some(from.user()));
    m.insert("migrate_to_chat_id".into(), json!(to));
    wrap("message", m)
}

/// A basic group's chat object (before it became a supergroup).
pub fn basic_group_chat(chat_id: i64) -> Value {
    json!({"id": chat_id, "type": "group", "title": GROUP_TITLE})
}
