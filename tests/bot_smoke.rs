mod common;

use common::World;
use common::updates::{message, person, poll_answer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_posts_a_poll_and_votes_are_tallied() {
    let mut world = World::start().await;
    let alice = person(1001, "Alice");
    world
        .deliver(message(
            1001,
            1,
            &alice,
            "/newpoll Best fruit? | Apple | Pear",
        ))
        .await;
    let sent = world.nth_call("sendPoll", 1).await;
    assert_eq!(sent.str_param("question").as_deref(), Some("Best fruit?"));
    let poll_id = world.fake.polls()[0].poll_id.clone();
    world.deliver(poll_answer(&poll_id, &alice, &[1])).await;
    world.deliver(message(1001, 2, &alice, "/results")).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    let caption = photo.str_param("caption").unwrap();
    assert!(caption.contains("Pear — 1 (100.0%)"), "{caption}");
    world.assert_api_conformance();
    world.stop_bot().await;
}
