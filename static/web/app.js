// The Mini App: the agreements a person may review, and one agreement's whole story.
// Plain JavaScript, no build step. Every API call carries Telegram's signed initData; the
// server decides what this person may see. Text from the server goes in as text, never
// as HTML.
(function () {
  "use strict";

  var webApp = window.Telegram && window.Telegram.WebApp;
  var allTexts = JSON.parse(document.getElementById("texts").textContent);
  var lang = pickLanguage();
  var t = allTexts[lang];
  var filters = { chat: "", state: "", q: "" };
  var listRequest = 0; // answers to older requests are dropped
  var detailRequest = 0;
  var searchTimer = null;
  var nextCursor = null;
  var listStatus = { text: "", bad: false }; // what the list said, for coming back to it

  function byId(id) {
    return document.getElementById(id);
  }

  // Telegram's language first (what the user chose in Telegram), then the browser's.
  function pickLanguage() {
    var user = webApp && webApp.initDataUnsafe && webApp.initDataUnsafe.user;
    var code = (user && user.language_code) || navigator.language || "en";
    return code.toLowerCase().split("-")[0] === "ru" ? "ru" : "en";
  }

  function say(key, values) {
    var text = t[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  // Telegram's theme: its colours become the --tg-theme-* variables the style sheet uses,
  // and its light or dark scheme picks the rest of the palette.
  function applyTheme() {
    if (!webApp) return;
    var root = document.documentElement;
    var params = webApp.themeParams || {};
    Object.keys(params).forEach(function (key) {
      var value = String(params[key]);
      if (/^#[0-9a-f]{3,8}$/i.test(value)) {
        root.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    });
    if (webApp.colorScheme === "dark" || webApp.colorScheme === "light") {
      root.setAttribute("data-scheme", webApp.colorScheme);
    }
  }

  var el = window.Dom.el;
  var append = window.Dom.append;

  function translateStatic() {
    document.documentElement.lang = lang;
    document.title = say("title");
    byId("app-title").textContent = say("title");
    document.querySelectorAll("[data-text]").forEach(function (node) {
      node.textContent = say(node.getAttribute("data-text"));
    });
    document.querySelectorAll("[data-placeholder]").forEach(function (node) {
      node.setAttribute("placeholder", say(node.getAttribute("data-placeholder")));
    });
  }

  function ApiFailure(status, code) {
    this.status = status;
    this.code = code;
  }

  function api(path, method) {
    return fetch(path, {
      method: method || "GET",
      headers: { Authorization: "tma " + webApp.initData },
      cache: "no-store",
      credentials: "omit",
    }).then(
      function (response) {
        return response.json().then(
          function (body) {
            if (!response.ok) throw new ApiFailure(response.status, body && body.error);
            return body;
          },
          function () {
            throw new ApiFailure(response.status, null);
          }
        );
      },
      function () {
        throw new ApiFailure(0, "offline");
      }
    );
  }

  function failureText(failure) {
    var known = {
      sign_in_required: "error_sign_in",
      sign_in_expired: "error_expired",
      not_found: "error_not_found",
      too_many_requests: "error_too_many",
      busy: "error_too_many",  // other packs are being built: the same advice
      membership_unknown: "error_membership",
      pack_too_large: "error_pack_too_large",
      offline: "error_offline",
    };
    return say(known[failure && failure.code] || "error_other");
  }

  function showListStatus(text, bad) {
    listStatus = { text: text, bad: bad };
    showStatus(text, bad);
  }

  function showStatus(text, bad) {
    var status = byId("status");
    status.hidden = !text;
    status.textContent = text || "";
    status.classList.toggle("bad", !!bad);
  }

  // A session that can't go on (not opened from Telegram, or its initData expired): only
  // the explanation stays on screen.
  function stop(failure) {
    byId("list-view").hidden = true;
    byId("detail-view").hidden = true;
    showStatus(failureText(failure), true);
  }

  function isFatal(failure) {
    return failure && failure.status === 401;
  }

  // -- evidence packs --------------------------------------------------------------------

  // The file name the server chose, if it is a plain one.
  function attachmentName(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([A-Za-z0-9._-]+)"/.exec(header);
    return match ? match[1] : "evidence.zip";
  }

  // Telegram (Bot API 8.0) saves a file from a URL it fetches itself; such a fetch carries
  // no initData, so the server hands out a short-lived signed link for it.
  function telegramSaves() {
    return (
      typeof webApp.downloadFile === "function" &&
      typeof webApp.isVersionAtLeast === "function" &&
      webApp.isVersionAtLeast("8.0")
    );
  }

  function saveThroughTelegram(path, note) {
    return api(path + "-link", "POST").then(function (link) {
      return new Promise(function (resolve) {
        webApp.downloadFile({ url: link.url, file_name: link.file_name }, function (accepted) {
          note.textContent = say(accepted ? "pack_handed" : "pack_declined");
          resolve();
        });
      });
    });
  }

  // Elsewhere a link can't carry the Authorization header, so the pack is fetched with it
  // and saved from a blob: URL (an <a download> click).
  function saveFromBlob(path, note) {
    return fetch(path, {
      headers: { Authorization: "tma " + webApp.initData },
      cache: "no-store",
      credentials: "omit",
    }).then(
      function (response) {
        if (!response.ok) {
          return response.json().then(
            function (body) {
              throw new ApiFailure(response.status, body && body.error);
            },
            function () {
              throw new ApiFailure(response.status, null);
            }
          );
        }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = el("a");
          link.href = url;
          link.download = attachmentName(response);
          link.hidden = true;
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 60000);
          note.textContent = say("pack_saved");
        });
      },
      function () {
        throw new ApiFailure(0, "offline");
      }
    );
  }

  function downloadPack(path, button, note) {
    button.disabled = true;
    note.className = "pack-note muted";
    note.textContent = say("pack_preparing");
    (telegramSaves() ? saveThroughTelegram(path, note) : saveFromBlob(path, note))
      .catch(function (failure) {
        if (isFatal(failure)) return stop(failure);
        note.className = "pack-note bad";
        note.textContent = failureText(failure);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  function packButton(id, label, path) {
    var button = el("button", "button secondary", say(label));
    button.type = "button";
    button.id = id;
    var note = el("span", "pack-note muted");
    note.setAttribute("role", "status");
    button.addEventListener("click", function () {
      downloadPack(path, button, note);
    });
    return append(el("p", "actions pack"), button, note);
  }

  // -- the list ---------------------------------------------------------------------------

  function query(before) {
    var params = new URLSearchParams();
    if (filters.chat) params.set("chat", filters.chat);
    if (filters.state) params.set("state", filters.state);
    if (filters.q) params.set("q", filters.q);
    if (before) params.set("before", before);
    var text = params.toString();
    return "/api/agreements" + (text ? "?" + text : "");
  }

  function loadList(more) {
    var request = ++listRequest;
    var items = byId("items");
    byId("more").hidden = true;
    if (!more) {
      items.textContent = "";
      showListStatus(say("loading"), false);
    }
    api(query(more ? nextCursor : null)).then(
      function (page) {
        if (request !== listRequest) return;
        showListStatus("", false);
        page.items.forEach(function (item) {
          items.appendChild(listItem(item));
        });
        nextCursor = page.next;
        byId("more").hidden = !page.next;
        var notice = byId("list-notice");
        notice.hidden = !page.unchecked_chats;
        notice.textContent = page.unchecked_chats ? say("unchecked_chats") : "";
        if (!more && !page.items.length) {
          var filtered = filters.chat || filters.state || filters.q;
          showListStatus(say(filtered ? "empty_filtered" : "empty"), false);
        }
      },
      function (failure) {
        if (request !== listRequest) return;
        if (isFatal(failure)) return stop(failure);
        showListStatus(failureText(failure), true);
      }
    );
  }

  function chatTitle(chat) {
    return chat.title || say("private_chat");
  }

  function badges(item) {
    var row = el("span", "badges");
    if (item.state === "edited") {
      append(row, el("span", "badge badge-edited", say("badge_edited", { count: item.amendment ? item.edits_since_amendment : item.edits })));
    }
    if (item.amendment) {
      append(row, el("span", "badge badge-amended", say("badge_amended", { label: item.amendment })));
    }
    if (item.state === "intact") append(row, el("span", "badge badge-intact", say("badge_intact")));
    if (item.awaiting) append(row, el("span", "badge badge-awaiting", say("badge_awaiting")));
    if (item.deleted) append(row, el("span", "badge badge-deleted", say("badge_deleted")));
    return row;
  }

  function listItem(item) {
    var button = el("button", "item");
    button.type = "button";
    button.setAttribute("data-id", item.id);
    append(
      button,
      el("span", "eyebrow", "#" + item.number + " · " + chatTitle(item.chat) + " · " + item.marked.day),
      el("span", "item-title", item.title || item.summary),
      item.title ? el("span", "item-summary", item.summary) : null,
      badges(item),
      el("span", "item-parties", item.parties.join(", "))
    );
    button.addEventListener("click", function () {
      openAgreement(item.id);
    });
    return append(el("li"), button);
  }

  function loadChats() {
    api("/api/chats").then(
      function (answer) {
        var select = byId("chat-filter");
        answer.chats.forEach(function (chat) {
          var option = el("option", null, chatTitle(chat));
          option.value = String(chat.id);
          select.appendChild(option);
        });
      },
      function (failure) {
        if (isFatal(failure)) stop(failure);
      }
    );
  }

  // A chat's pack is offered while the list shows one chat.
  function showChatPack() {
    var holder = byId("chat-pack");
    holder.textContent = "";
    holder.hidden = !filters.chat;
    if (!filters.chat) return;
    var path = "/api/chats/" + encodeURIComponent(filters.chat) + "/pack";
    holder.appendChild(packButton("chat-pack-button", "pack_chat", path));
  }

  function watchFilters() {
    byId("chat-filter").addEventListener("change", function (event) {
      filters.chat = event.target.value;
      showChatPack();
      loadList(false);
    });
    byId("state-filter").addEventListener("change", function (event) {
      filters.state = event.target.value;
      loadList(false);
    });
    byId("search").addEventListener("input", function (event) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () {
        var q = event.target.value.trim();
        if (q === filters.q) return;
        filters.q = q;
        loadList(false);
      }, 350);
    });
    byId("filters").addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(searchTimer);
      filters.q = byId("search").value.trim();
      loadList(false);
    });
    byId("more").addEventListener("click", function () {
      loadList(true);
    });
  }

  // -- one agreement ----------------------------------------------------------------------

  function showList() {
    detailRequest++; // an agreement still loading is not shown after all
    byId("detail-view").hidden = true;
    byId("list-view").hidden = false;
    byId("detail").textContent = "";
    showStatus(listStatus.text, listStatus.bad);
    if (webApp && webApp.BackButton) webApp.BackButton.hide();
    window.scrollTo(0, 0);
  }

  function openAgreement(id) {
    var request = ++detailRequest;
    byId("list-view").hidden = true;
    byId("detail-view").hidden = false;
    var detail = byId("detail");
    detail.textContent = "";
    showStatus(say("loading"));
    if (webApp && webApp.BackButton) webApp.BackButton.show();
    window.scrollTo(0, 0);
    api("/api/agreements/" + id).then(
      function (story) {
        if (request !== detailRequest) return;
        showStatus("");
        window.AgreementView.render(detail, story, say);
        var heading = detail.querySelector(".heading");
        var pack = packButton("pack-button", "pack_agreement", "/api/agreements/" + id + "/pack");
        if (heading) heading.appendChild(pack);
        else detail.insertBefore(pack, detail.firstChild);
      },
      function (failure) {
        if (request !== detailRequest) return;
        if (isFatal(failure)) return stop(failure);
        showStatus(failureText(failure), true);
      }
    );
  }

  function start() {
    applyTheme();
    translateStatic();
    if (!webApp || !webApp.initData) {
      stop({ code: "sign_in_required", status: 401 });
      return;
    }
    if (webApp.ready) webApp.ready();
    if (webApp.expand) webApp.expand();
    if (webApp.onEvent) webApp.onEvent("themeChanged", applyTheme);
    if (webApp.BackButton) webApp.BackButton.onClick(showList);
    byId("back").addEventListener("click", showList);
    byId("list-view").hidden = false;
    watchFilters();
    loadChats();
    loadList(false);
  }

  start();
})();
