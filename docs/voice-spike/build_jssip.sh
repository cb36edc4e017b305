#!/bin/sh
# JsSIP >= 3.10 no longer ships dist/ in the npm tarball -> bundle it ourselves (same esbuild
# settings as JsSIP's own npm-scripts.mjs "build": iife, globalName JsSIP, es2015).
set -e
mkdir -p "$(dirname "$0")/jsbuild"
cd "$(dirname "$0")/jsbuild"
npm install --no-audit --no-fund jssip@3.13.8 esbuild
npx esbuild node_modules/jssip/lib/JsSIP.js --bundle --minify --format=iife --global-name=JsSIP \
  --platform=browser --target=es2015 --outfile=../www/jssip.min.js
