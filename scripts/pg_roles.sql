-- Roles of a team workspace on PostgreSQL: the app's role may add audit entries and read them, never change, delete
-- or truncate them, nor switch off the append-only triggers (only a table's owner can, and the app's role owns no
-- audit table). Run it as the owner of the workspace's tables (or a superuser), once after the app created the
-- schema and again after each upgrade of the app:
--
--   psql -v ON_ERROR_STOP=1 -v app_role=putuo_app -v owner_role=putuo_owner -d putuo -f scripts/pg_roles.sql
--
-- app_role: the role in the app's PUTUO_DATABASE_URL (it must exist: CREATE ROLE putuo_app LOGIN PASSWORD '…').
-- owner_role: the role that owns the tables from now on and runs the app's schema upgrades (start the app once with
-- a PUTUO_DATABASE_URL of this role after installing a new version, then again with the app's role).
-- What the app's role keeps: SELECT, INSERT, UPDATE, DELETE on the other tables (its ordinary work), SELECT and
-- UPDATE on audit_head (moving the head; a moved head is caught by the checkpoints beside the server).

\set ON_ERROR_STOP on
SELECT set_config('putuo.app_role', :'app_role', false), set_config('putuo.owner_role', :'owner_role', false);

DO $$
DECLARE
    app text := current_setting('putuo.app_role');
    owner text := current_setting('putuo.owner_role');
    t record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RAISE EXCEPTION 'the app role % does not exist: CREATE ROLE % LOGIN PASSWORD ''...'' first', app, app;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', owner);
    END IF;
    IF app = owner THEN
        RAISE EXCEPTION 'the app role and the owner role must differ (got % for both)', app;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
             AND tablename NOT IN ('spatial_ref_sys') LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO %I', t.tablename, owner);
        EXECUTE format('REVOKE ALL ON public.%I FROM %I', t.tablename, app);
        IF t.tablename = 'audit_log' THEN
            EXECUTE format('GRANT SELECT, INSERT ON public.audit_log TO %I', app);
        ELSIF t.tablename = 'audit_head' THEN
            EXECUTE format('GRANT SELECT, UPDATE ON public.audit_head TO %I', app);
        ELSIF t.tablename = 'alembic_version' THEN
            EXECUTE format('GRANT SELECT ON public.alembic_version TO %I', app);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO %I', t.tablename, app);
        END IF;
    END LOOP;
    FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER SEQUENCE public.%I OWNER TO %I', t.sequencename, owner);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE public.%I TO %I', t.sequencename, app);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'putuo_append_only') THEN
        -- whoever owns the trigger function could rewrite it: the owner role, not the app's
        EXECUTE format('ALTER FUNCTION public.putuo_append_only() OWNER TO %I', owner);
    END IF;
    EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', app);
END
$$;
