-- One database per service (DESIGN.md: no service reads another's tables). Run once by the postgres image
-- on an empty data directory: by docker-compose.yml and by the dev overlay's StatefulSet.
CREATE DATABASE auth;
CREATE DATABASE patients;
CREATE DATABASE doctors;
CREATE DATABASE appointments;
