-- Login throttling counts failures per (user name, source) and per source as well as per
-- user name (huajie_core::throttle); an attempt under way is a row here until it succeeds.
CREATE INDEX login_failures_pair ON login_failures (username, client, at);
CREATE INDEX login_failures_client ON login_failures (client, at);
