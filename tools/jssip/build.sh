#!/bin/sh
# Rebuild src/homeshore/web/static/vendor/jssip.min.js from the npm registry (JsSIP's npm
# package ships sources only): pinned by package-lock.json, bundled with esbuild as an IIFE
# exposing `window.JsSIP`. Needs Node.js and npm; the result is committed, so running
# homeshore needs neither.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../../src/homeshore/web/static/vendor
npx esbuild node_modules/jssip/lib/JsSIP.js --bundle --minify --format=iife \
  --global-name=JsSIP --platform=browser --target=es2017 --legal-comments=none \
  --banner:js="/*! JsSIP $(node -p 'require("jssip/package.json").version') (MIT, see jssip.LICENSE.md) */" \
  --outfile="$out/jssip.min.js"
cp node_modules/jssip/LICENSE.md "$out/jssip.LICENSE.md"
