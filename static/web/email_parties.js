// "Invited by email" on one agreement in the Mini App: the addresses invited so far (masked
// by the server, with their state) and, for a party, a form that invites one more. The
// address goes to the server only, never to the chat. Used by app.js.
(function () {
  "use strict";

  var el = window.Dom.el;
  var append = window.Dom.append;

  // The server's refusals a person can act on, in their words.
  var REFUSALS = {
    already_invited: "invite_already",
    refused_address: "invite_refused",
    not_a_party: "invite_not_party",
    invalid_address: "invite_invalid",
    non_ascii_address: "invite_non_ascii",
    user_limit: "invite_user_limit",
    chat_limit: "invite_chat_limit",
    address_limit: "invite_address_limit",
  };

  function list(parties, say) {
    if (!parties.length) return el("p", "muted", say("invited_none"));
    var items = el("ul", "plain invited");
    parties.forEach(function (party) {
      append(
        items,
        append(el("li"), el("span", "address", party.address), el("span", "badge badge-" + party.state, say("invited_" + party.state)))
      );
    });
    return items;
  }

  function form(agreementId, holder, tools) {
    var say = tools.say;
    var input = el("input");
    input.type = "email";
    input.id = "invite-address";
    input.name = "address";
    input.required = true;
    input.maxLength = 320;
    input.autocomplete = "off";
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("spellcheck", "false");
    input.setAttribute("placeholder", "client@example.com");
    var button = el("button", "button", say("invite_button"));
    button.type = "submit";
    button.id = "invite-button";
    var note = el("p", "invite-note muted");
    note.id = "invite-note";
    note.setAttribute("role", "status");
    var label = el("label", "label", say("invite_label"));
    label.htmlFor = input.id;
    var box = append(el("form", "invite"), label, append(el("div", "invite-row"), input, button), el("p", "invite-hint muted", say("invite_hint")), note);
    box.noValidate = true; // the server checks the address; its answer says what is wrong
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var address = input.value.trim();
      if (!address) {
        input.focus();
        return;
      }
      button.disabled = true;
      note.className = "invite-note muted";
      note.textContent = say("invite_sending");
      tools
        .send("/api/agreements/" + agreementId + "/email-parties", { address: address })
        .then(
          function (answer) {
            input.value = "";
            holder.replaceChildren(list(answer.email_parties, say));
            note.textContent = say("invite_sent", { address: answer.invited });
          },
          function (failure) {
            if (tools.isFatal(failure)) return tools.stop(failure);
            var key = REFUSALS[failure && failure.code];
            note.className = "invite-note bad";
            note.textContent = key ? say(key, { limit: (failure.body && failure.body.limit) || "" }) : tools.failureText(failure);
          }
        )
        .then(function () {
          button.disabled = false;
        });
    });
    return box;
  }

  // Adds the section after the parties (or at the end) of an agreement's view.
  function render(target, story, tools) {
    var card = append(el("section", "card email-parties"), el("h2", null, tools.say("invited_title")));
    var holder = el("div");
    holder.appendChild(list(story.email_parties || [], tools.say));
    card.appendChild(holder);
    if (story.may_invite) card.appendChild(form(story.agreement.id, holder, tools));
    var parties = target.querySelector(".card.parties");
    if (parties && parties.nextSibling) target.insertBefore(card, parties.nextSibling);
    else target.appendChild(card);
  }

  window.EmailParties = { render: render };
})();
