// The verify page's drop zone: files dropped anywhere on the page go into the form's two
// file inputs (a .tsr to the timestamp's, anything else to the email's or record's), and
// the form is sent. Without this script the inputs and the button do the same.
"use strict";

(function () {
  var form = document.getElementById("upload");
  var drop = document.getElementById("drop");
  var evidence = document.getElementById("evidence");
  var stamp = document.getElementById("stamp");
  if (!form || !drop || !evidence || !stamp || typeof DataTransfer !== "function") {
    return;
  }

  function isStamp(file) {
    return /\.tsr$/i.test(file.name);
  }

  function put(input, file) {
    var holder = new DataTransfer();
    holder.items.add(file);
    input.files = holder.files;
  }

  function carriesFiles(event) {
    var types = event.dataTransfer ? event.dataTransfer.types : [];
    return Array.prototype.indexOf.call(types, "Files") >= 0;
  }

  window.addEventListener("dragover", function (event) {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // else the browser opens the file in place of the page
    drop.classList.add("dragging");
  });
  window.addEventListener("dragleave", function (event) {
    if (event.relatedTarget === null) drop.classList.remove("dragging");
  });
  window.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    drop.classList.remove("dragging");
    var files = Array.prototype.slice.call(event.dataTransfer.files, 0, 2);
    if (files.length === 0) return;
    stamp.value = "";
    files.forEach(function (file) {
      put(isStamp(file) && files.length > 1 ? stamp : evidence, file);
    });
    if (evidence.files.length > 0) form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
