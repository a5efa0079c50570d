"""EdPool's settings, in parts by responsibility. `edpool.settings` (DJANGO_SETTINGS_MODULE) is
the entry: it runs these modules in order and takes their UPPERCASE names as settings, then adds
the application's own (apps, middleware, templates, mail, time, EdPool's domain settings).

  env            the environment: the .env file, BASE_DIR, VAR_DIR, DEBUG, env_bool/env_list
  keys           SECRET_KEY and the bid-sealing keys (and their rotation)
  database       the database, its read replica and the cache
  security       hosts, passwords, sign-in rate limits, sessions and cookies, HTTPS
  storage        static files, uploads and media (local folder or an S3 bucket)
  observability  metrics, readiness and structured logs

A part reads the environment and the parts before it (`from edpool.conf.env import DEBUG`),
never `django.conf.settings`."""
