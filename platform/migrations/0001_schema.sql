-- The county platform's schema. Every kiosk is known by the county's id for
-- it (county_id); its journal is stored entry by entry as the kiosk wrote
-- it, with the chain's hashes, so any entry can be proved from genesis.

CREATE TABLE kiosk (
    county_id              text PRIMARY KEY,
    village                text NOT NULL,
    -- The kiosk's own id (every install starts as village-01), from its
    -- genesis entry or its enrollment: not unique in a county.
    kiosk_id               text,
    -- Bound at the first enrollment or import: every later enrollment must
    -- bring the same journal.
    genesis_hash           bytea CHECK (octet_length(genesis_hash) = 32),
    -- SHA-256 of the bearer token; a new enrollment replaces it.
    token_hash             bytea,
    head_seq               bigint NOT NULL DEFAULT 0 CHECK (head_seq >= 0),
    head_hash              bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),
    status                 text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'fork', 'refused')),
    -- SHA-256 of the one-time enrollment code, until used or expired.
    enroll_code_hash       bytea,
    enroll_code_expires_at timestamptz,
    enroll_failures        integer NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Partitioned by kiosk from day one: a county's kiosks spread over the
-- partitions, and a kiosk's entries stay together in one.
CREATE TABLE entry (
    kiosk     text NOT NULL REFERENCES kiosk (county_id),
    seq       bigint NOT NULL CHECK (seq >= 1),
    hash      bytea NOT NULL CHECK (octet_length(hash) = 32),
    prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    time_ms   bigint NOT NULL,
    kind      text NOT NULL,
    -- The entry's canonical bytes, exactly as hashed.
    record    bytea NOT NULL,
    PRIMARY KEY (kiosk, seq)
) PARTITION BY HASH (kiosk);

CREATE TABLE entry_p0 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE entry_p1 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE entry_p2 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE entry_p3 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE entry_p4 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE entry_p5 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE entry_p6 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE entry_p7 PARTITION OF entry FOR VALUES WITH (MODULUS 8, REMAINDER 7);

-- The folded state (the core's checkpoint encoding) every 1,000 entries, so
-- an upload folds from the latest one, not from seq 1.
CREATE TABLE checkpoint (
    kiosk      text NOT NULL REFERENCES kiosk (county_id),
    seq        bigint NOT NULL CHECK (seq >= 1),
    head_hash  bytea NOT NULL CHECK (octet_length(head_hash) = 32),
    state      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk, seq)
);

-- One row per upload request or imported run, whatever its answer.
CREATE TABLE upload (
    id          bigserial PRIMARY KEY,
    kiosk       text NOT NULL REFERENCES kiosk (county_id),
    source      text NOT NULL CHECK (source IN ('http', 'import')),
    first_seq   bigint,
    last_seq    bigint,
    body_sha256 bytea NOT NULL,
    result      text NOT NULL,
    http_status integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_kiosk_at ON upload (kiosk, at);

-- Forks (another hash at a held seq) and refusals (an entry the rules
-- refuse), until the county settles them.
CREATE TABLE conflict (
    id            bigserial PRIMARY KEY,
    kiosk         text NOT NULL REFERENCES kiosk (county_id),
    seq           bigint NOT NULL,
    platform_hash bytea,
    kiosk_hash    bytea,
    kind          text NOT NULL CHECK (kind IN ('fork', 'refused')),
    reason        text NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    resolved_by   text,
    resolved_at   timestamptz,
    keep          text CHECK (keep IN ('platform', 'kiosk'))
);
CREATE INDEX conflict_open ON conflict (kiosk) WHERE resolved_at IS NULL;
