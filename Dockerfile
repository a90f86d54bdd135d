FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY service service
COPY media_pipeline media_pipeline
COPY workers workers
COPY web web
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["coachreel", "web", "--host", "0.0.0.0", "--port", "8000"]
