# Production image: gunicorn web, Celery worker and beat share it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=training_site.settings.production

# WeasyPrint's Pango stack, Noto CJK fonts (Serif SC on certificates; the only
# Debian fonts with rare name characters such as 䶮), gettext for catalogues,
# Node.js/npm to copy front-end packages into static files.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-cjk fonts-wqy-microhei gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install -e .

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY . .
RUN mkdir -p training_site/static/vendor/echarts \
    && cp node_modules/echarts/dist/echarts.min.js training_site/static/vendor/echarts/ \
    && python manage.py compilemessages -v0 --ignore='node_modules/*' \
    && DJANGO_SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.db \
       CELERY_BROKER_URL=memory:// DJANGO_ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput -v0 \
    && chown -R app:app /app

USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "python:training_site.gunicorn_conf", "training_site.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--threads", "4", "--worker-class", "gthread", \
     "--max-requests", "2000", "--max-requests-jitter", "200", "--timeout", "60"]
