-- One database per service: each service owns its data (and its migrations).
CREATE DATABASE registry;
CREATE DATABASE intake;
CREATE DATABASE allocation;
CREATE DATABASE monitoring;
CREATE DATABASE auth;
CREATE DATABASE portal;
