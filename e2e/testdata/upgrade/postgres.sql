--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts (
    account text NOT NULL COLLATE pg_catalog."C",
    custom_permissions_name text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL
);


--
-- Name: analyses; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analyses (
    account text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    theme_arn text NOT NULL COLLATE pg_catalog."C",
    definition bytea,
    source_entity bytea,
    parameters bytea,
    status text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    deletion_time timestamp with time zone
);


--
-- Name: custom_permissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custom_permissions (
    account text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    capabilities bytea,
    governance bytea,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: group_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.group_members (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    group_name text NOT NULL COLLATE pg_catalog."C",
    user_name text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.groups (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    principal_id text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meta (
    key text NOT NULL COLLATE pg_catalog."C",
    value bytea NOT NULL
);


--
-- Name: namespaces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.namespaces (
    account text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    capacity_region text NOT NULL COLLATE pg_catalog."C",
    identity_store text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL
);


--
-- Name: permissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.permissions (
    account text NOT NULL COLLATE pg_catalog."C",
    resource text NOT NULL COLLATE pg_catalog."C",
    principal text NOT NULL COLLATE pg_catalog."C",
    action text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: role_custom_permissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role_custom_permissions (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    role text NOT NULL COLLATE pg_catalog."C",
    profile text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: role_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role_members (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    role text NOT NULL COLLATE pg_catalog."C",
    group_name text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    applied_at timestamp with time zone NOT NULL
);


--
-- Name: self_upgrade_configurations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.self_upgrade_configurations (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    account text NOT NULL COLLATE pg_catalog."C",
    resource text NOT NULL COLLATE pg_catalog."C",
    key text NOT NULL COLLATE pg_catalog."C",
    value text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: upgrade_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.upgrade_requests (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    user_name text NOT NULL COLLATE pg_catalog."C",
    original_role text NOT NULL COLLATE pg_catalog."C",
    requested_role text NOT NULL COLLATE pg_catalog."C",
    note text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL,
    last_attempt timestamp with time zone,
    failure_reason text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    account text NOT NULL COLLATE pg_catalog."C",
    namespace text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    principal_id text NOT NULL COLLATE pg_catalog."C",
    email text NOT NULL COLLATE pg_catalog."C",
    role text NOT NULL COLLATE pg_catalog."C",
    identity_type text NOT NULL COLLATE pg_catalog."C",
    iam_arn text NOT NULL COLLATE pg_catalog."C",
    session_name text NOT NULL COLLATE pg_catalog."C",
    active boolean NOT NULL,
    custom_permissions_name text NOT NULL COLLATE pg_catalog."C",
    external_login_provider_type text NOT NULL COLLATE pg_catalog."C",
    external_login_provider_url text NOT NULL COLLATE pg_catalog."C",
    external_login_id text NOT NULL COLLATE pg_catalog."C",
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.accounts VALUES ('111122223333', 'limited', '2026-12-03 09:15:09.656303+00');
INSERT INTO public.accounts VALUES ('444455556666', '', '2026-12-03 09:15:09.768788+00');


--
-- Data for Name: analyses; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.analyses VALUES ('111122223333', 'sales-2024', 'Sales 2024', 'arn:aws:quicksight::aws:theme/MIDNIGHT', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f6f7264657273227d5d2c22536865657473223a5b7b2253686565744964223a227331222c224e616d65223a225368656574207331222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.730971+00', '2026-12-03 09:15:09.730971+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'from-template', 'From a template', '', NULL, '\x7b22536f7572636554656d706c617465223a7b22446174615365745265666572656e636573223a5b7b2244617461536574506c616365686f6c646572223a2270222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f6431227d5d2c2241726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a74656d706c6174652f7431227d7d', NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.737729+00', '2026-12-03 09:15:09.737729+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'with-params', 'Parameters, updated', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f6432227d5d2c22536865657473223a5b7b2253686565744964223a227032222c224e616d65223a225368656574207032222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'UPDATE_SUCCESSFUL', '2026-12-03 09:15:09.741762+00', '2026-12-03 09:15:09.751663+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'page-0', 'Page 0', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f64227d5d2c22536865657473223a5b7b2253686565744964223a227830222c224e616d65223a225368656574207830222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.753908+00', '2026-12-03 09:15:09.753908+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'page-1', 'Page 1', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f64227d5d2c22536865657473223a5b7b2253686565744964223a227831222c224e616d65223a225368656574207831222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.757126+00', '2026-12-03 09:15:09.757126+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'page-2', 'Page 2', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f64227d5d2c22536865657473223a5b7b2253686565744964223a227832222c224e616d65223a225368656574207832222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.760641+00', '2026-12-03 09:15:09.760641+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'page-3', 'Page 3', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f64227d5d2c22536865657473223a5b7b2253686565744964223a227833222c224e616d65223a225368656574207833222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.763324+00', '2026-12-03 09:15:09.763324+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'page-4', 'Page 4', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f64227d5d2c22536865657473223a5b7b2253686565744964223a227834222c224e616d65223a225368656574207834222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.766127+00', '2026-12-03 09:15:09.766127+00', NULL);
INSERT INTO public.analyses VALUES ('444455556666', 'elsewhere', 'Another account', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f64227d5d2c22536865657473223a5b7b2253686565744964223a2265222c224e616d65223a2253686565742065222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.768775+00', '2026-12-03 09:15:09.768775+00', NULL);
INSERT INTO public.analyses VALUES ('111122223333', 'old', 'Old', '', '\x7b22446174615365744964656e7469666965724465636c61726174696f6e73223a5b7b224964656e746966696572223a226473222c224461746153657441726e223a2261726e3a6177733a717569636b73696768743a75732d656173742d313a3131313132323232333333333a646174617365742f6433227d5d2c22536865657473223a5b7b2253686565744964223a226f31222c224e616d65223a225368656574206f31222c2256697375616c73223a5b5d7d5d2c2243616c63756c617465644669656c6473223a5b7b22446174615365744964656e746966696572223a226473222c224e616d65223a2270726f666974222c2245787072657373696f6e223a2273616c6573202d20636f7374227d5d7d', NULL, NULL, 'CREATION_SUCCESSFUL', '2026-12-03 09:15:09.745439+00', '2026-12-03 09:15:09.745439+00', '2100-01-01 00:00:00+00');


--
-- Data for Name: custom_permissions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.custom_permissions VALUES ('111122223333', 'limited', '\x7b224578706f7274546f437376223a2244454e59222c22437265617465416e645570646174654461746173657473223a2244454e59227d', NULL, '2026-12-03 09:15:09.702514+00', '2026-12-03 09:15:09.702514+00');


--
-- Data for Name: group_members; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.group_members VALUES ('111122223333', 'default', 'analysts', 'alice');
INSERT INTO public.group_members VALUES ('111122223333', 'default', 'analysts', 'bob');
INSERT INTO public.group_members VALUES ('111122223333', 'sales', 'admins', 'dave');


--
-- Data for Name: groups; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.groups VALUES ('111122223333', 'default', 'analysts', 'The analysts', 'group/d-739531309a/2a0bfe8d-8a33-4e7c-af5e-f0d891dbd34b', '2026-12-03 09:15:09.682221+00', '2026-12-03 09:15:09.682221+00');
INSERT INTO public.groups VALUES ('111122223333', 'sales', 'admins', '', 'group/d-54753b11a0/02f003e6-f31d-4025-b8c5-90a334258cb4', '2026-12-03 09:15:09.686549+00', '2026-12-03 09:15:09.686549+00');


--
-- Data for Name: meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.meta VALUES ('pagination_secret', '\xbf39cae9daee5903b3dfb170d6fb08b77921fe8a45dcc6f684f976b707b8cc25');


--
-- Data for Name: namespaces; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.namespaces VALUES ('111122223333', 'default', 'us-east-1', 'QUICKSIGHT', '2026-12-03 09:15:09.656303+00');
INSERT INTO public.namespaces VALUES ('111122223333', 'sales', 'us-east-1', 'QUICKSIGHT', '2026-12-03 09:15:09.656293+00');
INSERT INTO public.namespaces VALUES ('444455556666', 'default', 'us-east-1', 'QUICKSIGHT', '2026-12-03 09:15:09.768788+00');


--
-- Data for Name: permissions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'group/default/analysts', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'group/default/analysts', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'namespace/default', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/sales-2024', 'user/default/alice', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/from-template', 'user/default/carol', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/with-params', 'user/default/bob', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/old', 'user/default/alice', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/old', 'user/default/alice', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-0', 'group/default/analysts', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-1', 'group/default/analysts', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-2', 'group/default/analysts', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-3', 'group/default/analysts', 'quicksight:UpdateAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:DeleteAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:DescribeAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:DescribeAnalysisPermissions');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:QueryAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:RestoreAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:UpdateAnalysis');
INSERT INTO public.permissions VALUES ('111122223333', 'analysis/page-4', 'group/default/analysts', 'quicksight:UpdateAnalysisPermissions');


--
-- Data for Name: role_custom_permissions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.role_custom_permissions VALUES ('111122223333', 'default', 'READER', 'limited');


--
-- Data for Name: role_members; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.role_members VALUES ('111122223333', 'default', 'AUTHOR', 'analysts');


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES (1, '2026-12-03 09:15:08.464+00');
INSERT INTO public.schema_migrations VALUES (2, '2026-12-03 09:15:08.464+00');


--
-- Data for Name: self_upgrade_configurations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.self_upgrade_configurations VALUES ('111122223333', 'sales', 'AUTO_APPROVAL');


--
-- Data for Name: tags; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tags VALUES ('111122223333', 'namespace/sales', 'team', 'sales');
INSERT INTO public.tags VALUES ('111122223333', 'user/default/alice', 'who', 'alice');
INSERT INTO public.tags VALUES ('111122223333', 'custompermission/limited', 'k', 'v');
INSERT INTO public.tags VALUES ('111122223333', 'analysis/sales-2024', 'cost', '42');
INSERT INTO public.tags VALUES ('111122223333', 'analysis/sales-2024', 'env', 'prod');
INSERT INTO public.tags VALUES ('111122223333', 'analysis/old', 'gone', 'soon');


--
-- Data for Name: upgrade_requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.upgrade_requests VALUES ('111122223333', 'default', '01a23b2f-ac4b-72ec-b63e-1c01ac604f68', 'bob', 'READER', 'AUTHOR', 'please', 'PENDING', '2026-12-03 09:15:09.771748+00', NULL, '');
INSERT INTO public.upgrade_requests VALUES ('111122223333', 'default', '01a23b2f-ac50-718a-a7cb-b8fed005aa63', 'erin', 'READER', 'READER_PRO', '', 'DENIED', '2026-12-03 09:15:09.776394+00', NULL, '');
INSERT INTO public.upgrade_requests VALUES ('111122223333', 'sales', '01a23b2f-ac58-710f-9daf-2a1c928aad35', 'dave', 'READER', 'AUTHOR', '', 'APPROVED', '2026-12-03 09:15:09.784271+00', '2026-12-03 09:15:09.784271+00', '');


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users VALUES ('111122223333', 'default', 'alice', 'user/d-ec5277b5f2/2884750b-7ac6-4599-accb-a21de7883f03', 'alice@example.com', 'AUTHOR', 'QUICKSIGHT', '', '', false, '', '', '', '', '2026-12-03 09:15:09.665006+00', '2026-12-03 09:15:09.665006+00');
INSERT INTO public.users VALUES ('111122223333', 'default', 'carol', 'user/d-d42b0ad1fe/8f48e2f7-8f08-49ed-b83f-74267e3ecc87', 'carol@example.com', 'ADMIN', 'QUICKSIGHT', '', '', false, '', '', '', '', '2026-12-03 09:15:09.672027+00', '2026-12-03 09:15:09.672027+00');
INSERT INTO public.users VALUES ('111122223333', 'default', 'erin', 'user/d-97cfd526d4/883dfa55-b746-43c1-a044-0c218e140786', 'erin@example.com', 'READER', 'QUICKSIGHT', '', '', false, '', '', '', '', '2026-12-03 09:15:09.674463+00', '2026-12-03 09:15:09.674463+00');
INSERT INTO public.users VALUES ('111122223333', 'default', 'Analyst/jo', 'federated/iam/AROA649436206DB843298:jo', 'iam@example.com', 'AUTHOR', 'IAM', 'arn:aws:iam::111122223333:role/Analyst', 'jo', true, '', '', '', '', '2026-12-03 09:15:09.679881+00', '2026-12-03 09:15:09.679881+00');
INSERT INTO public.users VALUES ('111122223333', 'default', 'bob', 'user/d-3dba2cb1cc/e3a644af-2112-4476-b26a-0582c8fe5de3', 'bob@example.com', 'READER', 'QUICKSIGHT', '', '', false, 'limited', '', '', '', '2026-12-03 09:15:09.669493+00', '2026-12-03 09:15:09.707866+00');
INSERT INTO public.users VALUES ('111122223333', 'sales', 'dave', 'user/d-988f464b3f/f03bb7d4-489c-430f-bd8a-aab09823c2fe', 'dave@example.com', 'AUTHOR', 'QUICKSIGHT', '', '', false, '', '', '', '', '2026-12-03 09:15:09.677137+00', '2026-12-03 09:15:09.784271+00');


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (account);


--
-- Name: analyses analyses_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analyses
    ADD CONSTRAINT analyses_pkey PRIMARY KEY (account, id);


--
-- Name: custom_permissions custom_permissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_permissions
    ADD CONSTRAINT custom_permissions_pkey PRIMARY KEY (account, name);


--
-- Name: group_members group_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.group_members
    ADD CONSTRAINT group_members_pkey PRIMARY KEY (account, namespace, group_name, user_name);


--
-- Name: groups groups_account_namespace_principal_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_account_namespace_principal_id_key UNIQUE (account, namespace, principal_id);


--
-- Name: groups groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_pkey PRIMARY KEY (account, namespace, name);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);


--
-- Name: namespaces namespaces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.namespaces
    ADD CONSTRAINT namespaces_pkey PRIMARY KEY (account, name);


--
-- Name: permissions permissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.permissions
    ADD CONSTRAINT permissions_pkey PRIMARY KEY (account, resource, principal, action);


--
-- Name: role_custom_permissions role_custom_permissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_custom_permissions
    ADD CONSTRAINT role_custom_permissions_pkey PRIMARY KEY (account, namespace, role);


--
-- Name: role_members role_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_members
    ADD CONSTRAINT role_members_pkey PRIMARY KEY (account, namespace, role, group_name);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: self_upgrade_configurations self_upgrade_configurations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.self_upgrade_configurations
    ADD CONSTRAINT self_upgrade_configurations_pkey PRIMARY KEY (account, namespace);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (account, resource, key);


--
-- Name: upgrade_requests upgrade_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.upgrade_requests
    ADD CONSTRAINT upgrade_requests_pkey PRIMARY KEY (account, namespace, id);


--
-- Name: users users_account_namespace_principal_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_account_namespace_principal_id_key UNIQUE (account, namespace, principal_id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (account, namespace, name);


--
-- Name: group_members_by_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX group_members_by_user ON public.group_members USING btree (account, namespace, user_name, group_name);


--
-- Name: permissions_by_principal; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX permissions_by_principal ON public.permissions USING btree (account, principal);


--
-- Name: role_custom_permissions_by_profile; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX role_custom_permissions_by_profile ON public.role_custom_permissions USING btree (account, profile);


--
-- Name: role_members_by_group; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX role_members_by_group ON public.role_members USING btree (account, namespace, group_name);


--
-- Name: upgrade_requests_by_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX upgrade_requests_by_status ON public.upgrade_requests USING btree (account, namespace, status, id);


--
-- Name: upgrade_requests_by_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX upgrade_requests_by_user ON public.upgrade_requests USING btree (account, namespace, user_name, id);


--
-- Name: users_by_custom_permissions; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX users_by_custom_permissions ON public.users USING btree (account, custom_permissions_name);


--
-- Name: analyses analyses_account_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analyses
    ADD CONSTRAINT analyses_account_fkey FOREIGN KEY (account) REFERENCES public.accounts(account) ON DELETE CASCADE;


--
-- Name: custom_permissions custom_permissions_account_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_permissions
    ADD CONSTRAINT custom_permissions_account_fkey FOREIGN KEY (account) REFERENCES public.accounts(account) ON DELETE CASCADE;


--
-- Name: group_members group_members_account_namespace_group_name_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.group_members
    ADD CONSTRAINT group_members_account_namespace_group_name_fkey FOREIGN KEY (account, namespace, group_name) REFERENCES public.groups(account, namespace, name) ON DELETE CASCADE;


--
-- Name: group_members group_members_account_namespace_user_name_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.group_members
    ADD CONSTRAINT group_members_account_namespace_user_name_fkey FOREIGN KEY (account, namespace, user_name) REFERENCES public.users(account, namespace, name) ON DELETE CASCADE;


--
-- Name: groups groups_account_namespace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_account_namespace_fkey FOREIGN KEY (account, namespace) REFERENCES public.namespaces(account, name) ON DELETE CASCADE;


--
-- Name: namespaces namespaces_account_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.namespaces
    ADD CONSTRAINT namespaces_account_fkey FOREIGN KEY (account) REFERENCES public.accounts(account) ON DELETE CASCADE;


--
-- Name: role_custom_permissions role_custom_permissions_account_namespace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_custom_permissions
    ADD CONSTRAINT role_custom_permissions_account_namespace_fkey FOREIGN KEY (account, namespace) REFERENCES public.namespaces(account, name) ON DELETE CASCADE;


--
-- Name: role_members role_members_account_namespace_group_name_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_members
    ADD CONSTRAINT role_members_account_namespace_group_name_fkey FOREIGN KEY (account, namespace, group_name) REFERENCES public.groups(account, namespace, name) ON DELETE CASCADE;


--
-- Name: self_upgrade_configurations self_upgrade_configurations_account_namespace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.self_upgrade_configurations
    ADD CONSTRAINT self_upgrade_configurations_account_namespace_fkey FOREIGN KEY (account, namespace) REFERENCES public.namespaces(account, name) ON DELETE CASCADE;


--
-- Name: upgrade_requests upgrade_requests_account_namespace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.upgrade_requests
    ADD CONSTRAINT upgrade_requests_account_namespace_fkey FOREIGN KEY (account, namespace) REFERENCES public.namespaces(account, name) ON DELETE CASCADE;


--
-- Name: users users_account_namespace_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_account_namespace_fkey FOREIGN KEY (account, namespace) REFERENCES public.namespaces(account, name) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


