# One image, four services: the command chooses (`woonregie serve intake`, `woonregie worker allocation`).
FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
RUN pip install . && useradd --system --uid 10001 woonregie
USER woonregie
ENV WOONREGIE_HOST=0.0.0.0 WOONREGIE_DATA_DIR=/tmp/woonregie
ENTRYPOINT ["woonregie"]
