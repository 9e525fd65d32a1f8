-- First start of the compose PostgreSQL: Vårdmöte's database (btree_gist for the slot exclusion
-- constraint) beside Temporal's two, which temporal-schema fills with Temporal's own tool.
CREATE DATABASE vardmote;
\c vardmote
CREATE EXTENSION IF NOT EXISTS btree_gist;
