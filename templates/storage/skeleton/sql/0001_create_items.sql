-- Versioned schema migrations of this service, applied in file-name order by the service itself at
-- start-up (each file once, recorded in schema_migrations, serialized across replicas by GET_LOCK).
-- Add a file with the next number to change the schema; never edit an applied one.
CREATE TABLE IF NOT EXISTS items (
  k VARCHAR(190) NOT NULL PRIMARY KEY,
  v TEXT NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
);
