# The knowledge base as a container: stage 1 builds the site with the pinned toolchain, stage 2
# serves it as an unprivileged user (uid 65534) on port 8080 with the site's security headers
# (Content-Security-Policy, X-Content-Type-Options, Referrer-Policy: src/kbtools/static_server.py).
#
#   docker build -t docker-basics-site .
#   docker run -d -p 127.0.0.1:8080:8080 docker-basics-site
#   open http://127.0.0.1:8080/docker-basics/   (/docker-basics/en/ for English)
#
# The base image is pinned by digest (a tag can be moved to other content). To update it, read
# the new digest with `docker buildx imagetools inspect python:3.11-slim` and replace it here.
# It can be swapped with --build-arg (the tests build a local stand-in because no registry is
# reachable there). Works with the classic builder and with BuildKit.
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
# Only the site set (requirements/site.txt): no test, browser or PDF packages in the build.
COPY requirements/site.txt requirements/site.txt
RUN python3 -m pip install --no-cache-dir --disable-pip-version-check --require-hashes -r requirements/site.txt
COPY . .
RUN python3 -m pip install --no-cache-dir --disable-pip-version-check --no-deps \
      --no-build-isolation -e .
# The site lives under the path of site_url (/docker-basics/), as on GitHub Pages.
RUN NO_MKDOCS_2_WARNING=1 python3 -m mkdocs build --strict --site-dir /out/www/docker-basics \
 && printf '<!doctype html><meta http-equiv="refresh" content="0; url=docker-basics/">\n' > /out/www/index.html \
 && python3 -m kbtools.csp --headers > /out/headers.txt \
 && cp src/kbtools/static_server.py /out/static_server.py

FROM ${PYTHON_IMAGE}
COPY --from=build /out /srv
USER 65534:65534
EXPOSE 8080
CMD ["python3", "/srv/static_server.py", "--root", "/srv/www", "--headers", "/srv/headers.txt", "--port", "8080"]
