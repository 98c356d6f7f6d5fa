//! A wrong or unreachable `DATABASE_URL` or `REDIS_URL` fails at start with one line that names the variable
//! (and never prints the password).

#[tokio::test]
async fn a_wrong_or_unreachable_database_url_is_named_in_one_line() {
    let cases = [
        (
            "mysql://tabletalk:hunter2@db/tabletalk",
            "must start with sqlite:// or postgres://",
        ),
        // Nothing listens on port 1.
        (
            "postgres://tabletalk:hunter2@127.0.0.1:1/tabletalk",
            "could not be opened",
        ),
        ("sqlite:///proc/no-such-folder/tabletalk.db", "could not be opened"),
    ];
    for (url, says) in cases {
        let error = server::store::connect(url).await.expect_err(url).to_string();
        assert!(error.starts_with("DATABASE_URL"), "{error}");
        assert!(error.contains(says), "{error}");
        assert!(!error.contains("hunter2"), "the password stays out: {error}");
        assert_eq!(error.lines().count(), 1, "{error}");
    }
}

/// The same for `REDIS_URL`: not a Redis URL, or nothing answering at it.
#[tokio::test]
async fn a_wrong_or_unreachable_redis_url_is_named_in_one_line() {
    let cases = [
        ("http://:hunter2@cache:6379", "is not a Redis URL"),
        // Nothing listens on port 1.
        ("redis://:hunter2@127.0.0.1:1", "cannot be reached"),
    ];
    for (url, says) in cases {
        let error = server::bus::RedisBus::connect(url, "tabletalk")
            .await
            .err()
            .expect(url)
            .to_string();
        assert!(error.starts_with("REDIS_URL"), "{error}");
        assert!(error.contains(says), "{error}");
        assert!(!error.contains("hunter2"), "the password stays out: {error}");
        assert_eq!(error.lines().count(), 1, "{error}");
    }
}
