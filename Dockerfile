# Builds a small image with the static serviceportal binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/serviceportal ./cmd/serviceportal

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/serviceportal /usr/local/bin/serviceportal
ENV SERVICEPORTAL_ADDR=0.0.0.0:8080 \
    SERVICEPORTAL_DATA=/var/lib/serviceportal \
    SERVICEPORTAL_DEMO=false \
    SERVICEPORTAL_LOG_FORMAT=json
VOLUME /var/lib/serviceportal
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/serviceportal"]
CMD ["serve"]
