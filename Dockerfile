# The ledger app: `ledger serve` (HTTP API and projections) on $PORT.
FROM node:20 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY --from=build /app/dist ./dist
COPY bin ./bin
EXPOSE 3000
CMD ["node", "bin/ledger.js", "serve"]
