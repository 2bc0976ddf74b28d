// One agreement in the Mini App: the original, each later version beside the one before
// (a word diff), who accepted what, the amendments, the parties and the evidence of every
// record. Used by app.js; everything from the server goes in as text.
(function () {
  "use strict";

  var el = window.Dom.el;
  var append = window.Dom.append;

  function facts(rows) {
    var list = el("dl", "facts");
    rows.forEach(function (row) {
      if (!row) return;
      var value = row[1];
      append(list, el("dt", null, row[0]), value instanceof Node ? append(el("dd"), value) : el("dd", null, value));
    });
    return list;
  }

  function section(title, className) {
    return append(el("section", "card " + (className || "")), el("h2", null, title));
  }

  // Before and after, side by side: what went is struck through on the left, what came is
  // marked on the right; the words they share stand on both sides.
  function sideBySide(diff, say) {
    var before = el("div", "text diff");
    var after = el("div", "text diff");
    diff.forEach(function (piece) {
      var op = piece[0];
      var text = piece[1];
      if (op === "equal") {
        before.appendChild(document.createTextNode(text));
        after.appendChild(document.createTextNode(text));
      } else if (op === "delete") {
        before.appendChild(el("del", null, text));
      } else {
        after.appendChild(el("ins", null, text));
      }
    });
    return append(
      el("div", "side-by-side"),
      append(el("div", "side"), el("p", "label", say("before")), before),
      append(el("div", "side"), el("p", "label", say("after")), after)
    );
  }

  function recordLink(digest, label, say) {
    var link = el("a", null, label || say("open_record"));
    link.href = "/r/" + digest;
    return link;
  }

  function acceptedBy(version, say) {
    if (!version.accepted_by.length) return el("span", "muted", say("nobody_accepted"));
    return el(
      "span",
      null,
      version.accepted_by
        .map(function (a) {
          return a.name + " (" + a.at.short + ")";
        })
        .join(", ")
    );
  }

  function versionCard(version, say) {
    var card = append(
      el("article", "version"),
      el("h3", null, say("version", { number: version.number })),
      facts([
        [say("edited_at"), version.edited.short],
        [say("edited_by"), version.editor],
        [say("accepted_by"), acceptedBy(version, say)],
        version.amendment ? [say("became"), say("amendment_label", { label: version.amendment })] : null,
      ]),
      sideBySide(version.diff, say)
    );
    return card;
  }

  function stampText(stamp, say) {
    if (!stamp) return el("span", null, say("stamp_none"));
    if (stamp.state === "pending") return el("span", null, say("stamp_pending"));
    if (stamp.state === "invalid") return el("span", "bad", say("stamp_invalid"));
    var text = append(el("span"), el("span", "ok", stamp.time), document.createTextNode(", " + (stamp.authority || "?")));
    if (!stamp.trusted) text.appendChild(el("span", "muted", " (" + say("stamp_untrusted") + ")"));
    return text;
  }

  function chainText(chain, say) {
    var text = el("span");
    if (chain.position) {
      text.appendChild(document.createTextNode(say("chain_place", { position: chain.position, length: chain.length }) + " "));
    }
    text.appendChild(chain.holds ? el("span", "ok", say("chain_holds")) : el("span", "bad", say("chain_broken")));
    return text;
  }

  function evidenceCard(record, say) {
    var name = record.is_amendment ? say("amendment_label", { label: record.label }) : say("agreement_label", { label: record.label });
    return append(
      el("article", "record"),
      el("h3", null, name),
      facts([
        ["SHA-256", el("code", "digest", record.digest)],
        [say("recorded"), record.recorded.shown],
        [say("chain"), chainText(record.chain, say)],
        [say("timestamp"), stampText(record.stamp, say)],
      ]),
      append(el("p", "actions"), recordLink(record.digest, null, say))
    );
  }

  function partyLine(party, say) {
    var who = party.username ? party.name + " (@" + party.username + ")" : party.name;
    return el("li", null, who + " · " + say("role_" + party.role, { time: party.joined.short }));
  }

  function standing(item, story, say) {
    var box = el("section", "standing standing-" + (item.deleted ? "deleted" : item.state));
    var lines = [];
    if (item.state === "intact") lines.push(say("standing_intact"));
    if (item.state === "edited") lines.push(say("standing_edited"));
    if (item.amendment) lines.push(say("standing_amended", { label: item.amendment }));
    if (item.awaiting) lines.push(say("standing_awaiting"));
    if (story.deleted) lines.push(say("standing_deleted", { time: story.deleted.shown }));
    lines.forEach(function (line) {
      box.appendChild(el("p", null, line));
    });
    return box;
  }

  function render(target, story, say) {
    var item = story.agreement;
    var heading = say("agreement_label", { label: item.number }) + (item.title ? ": " + item.title : "");
    var place = (item.chat.title || say("private_chat")) + (story.topic ? " · " + story.topic : "");
    append(
      target,
      append(el("header", "heading"), el("p", "eyebrow", place), el("h1", null, heading)),
      standing(item, story, say),
      append(
        section(say("agreed_text")),
        el("div", "text agreed", story.text),
        facts([
          [say("author"), story.author],
          [say("sent"), story.sent.shown],
          [say("marked_by"), story.marked_by],
          [say("recorded"), item.marked.shown],
        ]),
        append(el("p", "actions"), recordLink(item.digest, null, say))
      )
    );
    var versions = section(say("versions"), "versions");
    if (!story.versions.length) versions.appendChild(el("p", "muted", say("no_versions")));
    story.versions.forEach(function (version) {
      versions.appendChild(versionCard(version, say));
    });
    target.appendChild(versions);
    if (story.amendments.length) {
      var amendments = section(say("amendments"));
      var list = el("ul", "plain");
      story.amendments.forEach(function (a) {
        append(
          list,
          append(
            el("li"),
            recordLink(a.digest, say("amendment_label", { label: a.label }), say),
            document.createTextNode(" · " + say("of_version", { number: a.version }) + " · " + a.recorded.short)
          )
        );
      });
      target.appendChild(append(amendments, list));
    }
    var parties = el("ul", "plain");
    story.parties.forEach(function (party) {
      parties.appendChild(partyLine(party, say));
    });
    append(target, append(section(say("parties"), "parties"), parties));
    var evidence = section(say("evidence"), "evidence");
    story.records.forEach(function (record) {
      evidence.appendChild(evidenceCard(record, say));
    });
    target.appendChild(evidence);
  }

  window.AgreementView = { render: render };
})();
