// A stand-in for Telegram's telegram-web-app.js, for tests only: it reads what a Telegram
// client puts in the page's address (#tgWebAppData=<initData>&tgWebAppThemeParams=<json>)
// the way the real script does, and offers the part of window.Telegram.WebApp the Mini App
// uses. window.__telegram records what the page asked of Telegram, for tests to look at.
(function () {
  "use strict";

  function decode(value) {
    try {
      return decodeURIComponent(value.replace(/\+/g, "%20"));
    } catch (e) {
      return value;
    }
  }

  function parseQuery(text) {
    var params = {};
    text.split("&").forEach(function (pair) {
      if (!pair) return;
      var at = pair.indexOf("=");
      var key = decode(at < 0 ? pair : pair.slice(0, at));
      params[key] = at < 0 ? null : decode(pair.slice(at + 1));
    });
    return params;
  }

  var hash = parseQuery(location.hash.replace(/^#/, ""));
  var initData = hash.tgWebAppData || "";
  var unsafe = parseQuery(initData);
  Object.keys(unsafe).forEach(function (key) {
    var value = unsafe[key] || "";
    if (/^[{[]/.test(value)) {
      try {
        unsafe[key] = JSON.parse(value);
      } catch (e) {}
    }
  });
  var themeParams = {};
  try {
    themeParams = JSON.parse(hash.tgWebAppThemeParams || "{}");
  } catch (e) {}

  function isDark(color) {
    var match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color || "");
    if (!match) return false;
    var r = parseInt(match[1], 16), g = parseInt(match[2], 16), b = parseInt(match[3], 16);
    return Math.sqrt(0.299 * r * r + 0.587 * g * g + 0.114 * b * b) < 120;
  }

  var record = { ready: 0, expand: 0, backButtonVisible: false, events: [], downloads: [] };
  var version = hash.tgWebAppVersion || "8.0";

  // "8.0" >= "7.10": compared part by part, as numbers.
  function isVersionAtLeast(wanted) {
    var have = version.split(".").map(Number);
    var want = wanted.split(".").map(Number);
    for (var i = 0; i < Math.max(have.length, want.length); i++) {
      var a = have[i] || 0, b = want[i] || 0;
      if (a !== b) return a > b;
    }
    return true;
  }
  var handlers = {};
  var backHandlers = [];

  window.__telegram = record;
  window.Telegram = {
    WebApp: {
      initData: initData,
      initDataUnsafe: initData ? unsafe : {},
      themeParams: themeParams,
      colorScheme: isDark(themeParams.bg_color) ? "dark" : "light",
      version: version,
      isVersionAtLeast: isVersionAtLeast,
      // The client asks the user, then fetches the URL itself: recorded, and accepted.
      downloadFile: function (params, callback) {
        if (!isVersionAtLeast("8.0")) throw new Error("WebAppMethodUnsupported");
        record.downloads.push(params);
        if (callback) callback(true);
      },
      platform: hash.tgWebAppPlatform || "unknown",
      ready: function () {
        record.ready += 1;
      },
      expand: function () {
        record.expand += 1;
      },
      onEvent: function (name, handler) {
        (handlers[name] = handlers[name] || []).push(handler);
      },
      offEvent: function (name, handler) {
        handlers[name] = (handlers[name] || []).filter(function (h) {
          return h !== handler;
        });
      },
      BackButton: {
        show: function () {
          record.backButtonVisible = true;
        },
        hide: function () {
          record.backButtonVisible = false;
        },
        onClick: function (handler) {
          backHandlers.push(handler);
        },
        offClick: function (handler) {
          backHandlers = backHandlers.filter(function (h) {
            return h !== handler;
          });
        },
      },
    },
  };
  // What a tap on Telegram's own back button does.
  record.pressBack = function () {
    backHandlers.forEach(function (handler) {
      handler();
    });
  };
})();
