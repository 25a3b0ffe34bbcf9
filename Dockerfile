# The knowledge base as a container: stage 1 builds the site with the pinned toolchain, stage 2
# serves it with busybox httpd as an unprivileged user (uid 65534) on port 8080.
#
#   docker build -t docker-basics-site .
#   docker run -d -p 127.0.0.1:8080:8080 docker-basics-site
#   open http://127.0.0.1:8080/docker-basics/   (/docker-basics/en/ for English)
#
# Both base images can be swapped with --build-arg (the tests build local stand-ins because no
# registry is reachable there). Works with the classic builder and with BuildKit.
ARG PYTHON_IMAGE=python:3.11-slim
ARG SERVER_IMAGE=busybox:1.36

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
# Only the site set (requirements/site.txt): no test, browser or PDF packages in the build.
COPY requirements/site.txt requirements/site.txt
RUN python3 -m pip install --no-cache-dir --disable-pip-version-check -r requirements/site.txt
COPY . .
RUN python3 -m pip install --no-cache-dir --disable-pip-version-check --no-deps \
      --no-build-isolation -e .
# The site lives under the path of site_url (/docker-basics/), as on GitHub Pages.
RUN NO_MKDOCS_2_WARNING=1 python3 -m mkdocs build --strict --site-dir /out/docker-basics \
 && printf '<!doctype html><meta http-equiv="refresh" content="0; url=docker-basics/">\n' > /out/index.html

FROM ${SERVER_IMAGE}
COPY --from=build /out /srv/www
USER 65534:65534
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/srv/www"]
