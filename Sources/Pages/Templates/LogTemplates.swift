extension Templates {
    static let connectionHeader = #"""
    {{#connection}}
    <section class="general" id="general-information">
      <h2>{{app}} <span class="status status-{{statusKey}}" id="connection-status">{{status}}</span>{{#health}} <a href="{{checkURL}}" class="health health-{{healthKey}}" id="connection-health">{{.}}</a>{{/health}}</h2>
      <p class="place">{{place}}</p>
      <dl class="facts">
        <dt>{{chrome.t.accessToken}}</dt><dd><code id="masked-token">{{accessToken}}</code></dd>
        <dt>{{chrome.t.scope}}</dt><dd><code id="scope">{{scope}}</code></dd>
        {{#customerList}}<dt>{{chrome.t.customerList}}</dt><dd id="customer-list">{{.}}</dd>{{/customerList}}
        {{#catalog}}<dt>{{chrome.t.catalog}}</dt><dd id="catalog">{{.}}</dd>{{/catalog}}
      </dl>
      <nav class="tabs">
        <a href="{{activityURL}}" id="tab-activity">{{chrome.t.activity}}</a>
        <a href="{{logsURL}}" id="tab-logs">{{chrome.t.logs}}</a>
        <a href="{{hubCallbackURL}}" id="tab-callback">{{chrome.t.hubCallback}}</a>
        <a href="{{errorsURL}}" id="tab-errors">{{chrome.t.errorsTab}}</a>
        <a href="{{checkURL}}" id="tab-check">{{chrome.t.checkConnection}}</a>
        {{#isDisconnected}}<a href="{{callbacksURL}}" id="tab-callbacks">{{chrome.t.callbacks}}</a>{{/isDisconnected}}
      </nav>
    </section>
    {{/connection}}
    """#

    static let activity = #"""
    {{> head}}
    <h1>{{chrome.t.activity}}</h1>
    {{> connectionHeader}}
    <section class="activity">
      <p>{{chrome.t.activityIntro}} · {{chrome.t.total}} : <strong id="activity-total">{{total}}</strong></p>
      <svg class="chart" id="activity-chart" viewBox="0 0 {{chartWidth}} {{chartHeight}}" width="{{chartWidth}}" height="{{chartHeight}}" role="img" aria-label="{{chrome.t.activity}}">
        <line x1="0" y1="{{baseline}}" x2="{{chartWidth}}" y2="{{baseline}}" class="axis"/>
        {{#bars}}
        <g class="day" data-date="{{date}}" data-total="{{total}}" data-errors="{{errors}}">
          <title>{{title}}</title>
          <rect class="hover" x="{{x}}" y="0" width="{{width}}" height="{{baseline}}"/>
          <rect class="bar" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"/>
          {{#hasErrors}}<rect class="errors" x="{{x}}" y="{{errorY}}" width="{{width}}" height="{{errorHeight}}"/>{{/hasErrors}}
          {{#label}}<text x="{{labelX}}" y="{{labelY}}" class="date">{{.}}</text>{{/label}}
        </g>
        {{/bars}}
      </svg>
      <p class="legend"><span class="swatch bar"></span> {{chrome.t.requests}} <span class="swatch errors"></span> {{chrome.t.errors}} (4xx, 5xx)</p>
    </section>
    {{> foot}}
    """#

    static let logs = #"""
    {{> head}}
    <h1>{{chrome.t.logs}}</h1>
    {{> connectionHeader}}
    <details class="filter" id="filter" {{#filterOpen}}open{{/filterOpen}}>
      <summary id="edit-filter">{{chrome.t.edit}}</summary>
      <form method="get" action="{{action}}" id="filter-form">
        <fieldset><legend>{{chrome.t.resource}}</legend>
          {{#resources}}<label><input type="checkbox" name="resource" value="{{value}}" {{#selected}}checked{{/selected}}> {{label}}</label>{{/resources}}
        </fieldset>
        <fieldset><legend>{{chrome.t.method}}</legend>
          {{#methods}}<label><input type="checkbox" name="method" value="{{value}}" {{#selected}}checked{{/selected}}> {{label}}</label>{{/methods}}
        </fieldset>
        <fieldset><legend>{{chrome.t.statusClass}}</legend>
          {{#statusClasses}}<label><input type="checkbox" name="status" value="{{value}}" {{#selected}}checked{{/selected}}> {{label}}</label>{{/statusClasses}}
          <label>{{chrome.t.exactStatus}} <input type="text" name="code" value="{{codes}}" id="filter-code" size="8" inputmode="numeric" pattern="[1-5][0-9][0-9](,[1-5][0-9][0-9])*"></label>
          <label>{{chrome.t.minDuration}} <input type="number" name="min_ms" value="{{minDuration}}" id="filter-min-ms" min="0" max="86400000"></label>
        </fieldset>
        <fieldset><legend>{{timeHeader}}</legend>
          <label>{{chrome.t.since}} <input type="datetime-local" name="since" value="{{since}}" step="1"></label>
          <label>{{chrome.t.until}} <input type="datetime-local" name="until" value="{{until}}" step="1"></label>
        </fieldset>
        <fieldset><legend>{{chrome.t.search}}</legend>
          <input type="search" name="q" value="{{search}}" placeholder="{{chrome.t.searchHint}}" id="search">
        </fieldset>
        {{#errorGroupLabel}}<input type="hidden" name="error" value="{{errorGroup}}">{{/errorGroupLabel}}
        <button type="submit" id="apply-filter">{{chrome.t.apply}}</button>
        <a href="{{resetURL}}" id="reset-filter">{{chrome.t.reset}}</a>
      </form>
    </details>
    {{#errorGroupLabel}}<p class="chip" id="error-group-filter">{{chrome.t.errorGroup}} : <strong>{{.}}</strong> <a href="{{errorGroupClearURL}}" id="clear-error-group">{{chrome.t.clear}}</a></p>{{/errorGroupLabel}}
    {{#searchedPart}}<p class="advice" id="partial-page">{{chrome.t.partialPage}}</p>{{/searchedPart}}
    {{#searchedNote}}<p class="note" id="searched-note">{{.}}</p>{{/searchedNote}}
    <p class="log-tools">
      {{#streamURL}}<button type="button" id="live-tail" class="live" data-stream="{{.}}" data-pause="{{chrome.t.pause}}" data-resume="{{chrome.t.resume}}" hidden>{{chrome.t.pause}}</button> <span class="live-label" id="live-label" hidden>{{chrome.t.live}}</span>{{/streamURL}}
      {{chrome.t.export}} : <a href="{{exportCSVURL}}" id="export-csv" download>CSV</a> · <a href="{{exportCSVBodiesURL}}" id="export-csv-bodies" download>CSV ({{chrome.t.withBodies}})</a> · <a href="{{exportNDJSONURL}}" id="export-ndjson" download>NDJSON</a>
    </p>
    <table class="logs" id="logs" {{^hasRows}}hidden{{/hasRows}} data-base="{{action}}" data-offset="{{headerOffset}}">
      <thead><tr><th>{{timeHeader}}</th><th>{{chrome.t.resource}}</th><th>{{chrome.t.method}}</th><th>{{chrome.t.url}}</th><th>{{chrome.t.response}}</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr class="entry" data-seq="{{seq}}">
        <td><a href="{{detailURL}}" class="open-entry">{{time}}</a>{{#offset}} <small class="offset">{{.}}</small>{{/offset}}</td>
        <td class="resource">{{resource}}</td>
        <td class="method">{{method}}</td>
        <td class="url"><code>{{url}}</code></td>
        <td class="status-code code-{{statusKey}}">{{status}}</td>
      </tr>
      {{/rows}}
      </tbody>
    </table>
    {{^hasRows}}<p class="empty" id="no-logs">{{chrome.t.noLogs}}</p>{{/hasRows}}
    {{#nextURL}}<p class="pager"><a href="{{.}}" id="next-page" rel="next">{{chrome.t.nextPage}}</a></p>{{/nextURL}}
    {{> foot}}
    """#

    static let errors = #"""
    {{> head}}
    <h1>{{chrome.t.errorsTab}}</h1>
    {{> connectionHeader}}
    <section class="errors" id="errors">
      <p>{{chrome.t.errorsIntro}}</p>
      {{#hasGroups}}
      <table class="error-groups" id="error-groups">
        <thead><tr><th>{{chrome.t.count}}</th><th>{{chrome.t.resource}}</th><th>{{chrome.t.method}}</th><th>{{chrome.t.response}}</th><th>{{chrome.t.error}}</th><th>{{chrome.t.firstSeen}}</th><th>{{chrome.t.lastSeen}}</th><th></th></tr></thead>
        <tbody>
        {{#groups}}
        <tr class="error-group" data-group="{{id}}">
          <td class="count">{{count}}</td>
          <td class="resource">{{resource}}</td>
          <td class="method">{{method}}</td>
          <td class="status-code code-{{statusKey}}">{{status}}</td>
          <td class="error-text">{{#error}}<code>{{.}}</code>{{/error}}{{^error}}<em>{{chrome.t.noErrorText}}</em>{{/error}}</td>
          <td>{{firstSeen}}</td>
          <td>{{lastSeen}}</td>
          <td><a href="{{logsURL}}" class="view-calls">{{chrome.t.viewCalls}}</a></td>
        </tr>
        {{/groups}}
        </tbody>
      </table>
      {{/hasGroups}}
      {{^hasGroups}}<p class="empty" id="no-errors">{{chrome.t.noErrors}}</p>{{/hasGroups}}
    </section>
    {{> foot}}
    """#

    static let logDetail = #"""
    {{> head}}
    <h1>{{chrome.t.logs}}</h1>
    {{> connectionHeader}}
    <section class="entry-detail" id="entry-detail" data-seq="{{seq}}">
      <p><a href="{{backURL}}" id="back-to-logs">{{chrome.t.back}}</a></p>
      <dl class="facts">
        <dt>{{timeHeader}}</dt><dd>{{time}}</dd>
        <dt>{{chrome.t.resource}}</dt><dd>{{resource}}</dd>
        <dt>{{chrome.t.method}}</dt><dd id="entry-method">{{method}}</dd>
        <dt>{{chrome.t.url}}</dt><dd><code id="entry-url">{{url}}</code></dd>
        <dt>{{chrome.t.response}}</dt><dd id="entry-status">{{status}}</dd>
        <dt>{{chrome.t.duration}}</dt><dd>{{duration}}</dd>
        {{#requestID}}<dt>{{chrome.t.requestID}}</dt><dd><code>{{.}}</code></dd>{{/requestID}}
      </dl>
      {{#bodiesExpired}}<p class="advice" id="bodies-expired">{{chrome.t.bodiesExpired}}</p>{{/bodiesExpired}}
      <div class="parts">
      {{#request}}
      <section class="part" id="request-part">
        <h2>{{title}} {{^bodiesExpired}}<a href="{{downloadURL}}" class="download" id="download-request" download title="{{chrome.t.download}}" aria-label="{{chrome.t.download}}">⤓ JSON</a>{{/bodiesExpired}}</h2>
        <h3>{{chrome.t.headers}}</h3>
        {{#hasHeaders}}<table class="headers">{{#headers}}<tr><th>{{name}}</th><td><code>{{value}}</code></td></tr>{{/headers}}</table>{{/hasHeaders}}
        <h3>{{chrome.t.body}}</h3>
        {{#isBinary}}<p>{{chrome.t.binaryBody}}</p>{{/isBinary}}
        {{#base64}}<details class="base64"><summary>base64</summary><pre class="body" id="request-body-base64">{{.}}</pre></details>{{/base64}}
        {{#body}}<pre class="body" id="request-body">{{.}}</pre>{{/body}}
      </section>
      {{/request}}
      {{#response}}
      <section class="part" id="response-part">
        <h2>{{title}} {{status}} {{^bodiesExpired}}<a href="{{downloadURL}}" class="download" id="download-response" download title="{{chrome.t.download}}" aria-label="{{chrome.t.download}}">⤓ JSON</a>{{/bodiesExpired}}</h2>
        <h3>{{chrome.t.headers}}</h3>
        {{#hasHeaders}}<table class="headers">{{#headers}}<tr><th>{{name}}</th><td><code>{{value}}</code></td></tr>{{/headers}}</table>{{/hasHeaders}}
        <h3>{{chrome.t.body}}</h3>
        {{#isBinary}}<p>{{chrome.t.binaryBody}}</p>{{/isBinary}}
        {{#base64}}<details class="base64"><summary>base64</summary><pre class="body" id="response-body-base64">{{.}}</pre></details>{{/base64}}
        {{#body}}<pre class="body" id="response-body">{{.}}</pre>{{/body}}
      </section>
      {{/response}}
      </div>
    </section>
    {{> foot}}
    """#

    static let callbacks = #"""
    {{> head}}
    <h1>{{chrome.t.callbacks}}</h1>
    {{> connectionHeader}}
    {{#canResend}}
    <form method="post" action="{{resendAction}}" id="resend-form">
      <input type="hidden" name="csrf" value="{{chrome.csrf}}">
      <button type="submit" id="resend">{{chrome.t.resend}}</button>
    </form>
    {{/canResend}}
    {{#hasRows}}
    <table class="callbacks" id="callbacks">
      <thead><tr><th>{{chrome.t.time}}</th><th>{{chrome.t.attempt}}</th><th>{{chrome.t.url}}</th><th>{{chrome.t.answer}}</th></tr></thead>
      <tbody>
      {{#rows}}<tr class="{{#delivered}}delivered{{/delivered}}"><td>{{time}}</td><td>{{attempt}}</td><td><code>{{url}}</code></td><td>{{answer}}{{#next}} → {{.}}{{/next}}</td></tr>{{/rows}}
      </tbody>
    </table>
    {{/hasRows}}
    {{^hasRows}}<p class="empty">{{chrome.t.noCallbacks}}</p>{{/hasRows}}
    {{> foot}}
    """#

    static let hubCallback = #"""
    {{> head}}
    <h1>{{chrome.t.hubCallback}}</h1>
    {{> connectionHeader}}
    {{#hasCallback}}
    <dl class="facts" id="hub-callback">
      <dt>{{chrome.t.url}}</dt><dd>{{#url}}<code id="callback-url">{{.}}</code>{{/url}}{{^url}}<span id="callback-url">{{chrome.t.passive}}</span>{{/url}}</dd>
      <dt>{{chrome.t.listenedEvents}}</dt><dd><code id="callback-events">{{events}}</code></dd>
    </dl>
    {{/hasCallback}}
    {{^hasCallback}}<p class="empty" id="no-callback">{{chrome.t.noHubCallback}}</p>{{/hasCallback}}
    <h2>{{chrome.t.waitingEvents}} <span class="count" id="waiting-count">{{waitingCount}}</span></h2>
    {{#hasWaiting}}
    <table class="callbacks" id="waiting-events">
      <thead><tr><th>{{chrome.t.time}}</th><th>{{chrome.t.event}}</th><th>Id</th><th>{{chrome.t.attempt}}</th><th>{{chrome.t.answer}}</th></tr></thead>
      <tbody>
      {{#waiting}}<tr data-event="{{id}}"><td>{{time}}</td><td><code>{{event}}</code></td><td><code>{{id}}</code></td><td>{{attempts}}</td><td>{{answer}}{{#next}} → {{.}}{{/next}}</td></tr>{{/waiting}}
      </tbody>
    </table>
    {{/hasWaiting}}
    {{#hasDropped}}
    <h2>{{chrome.t.droppedEvents}}</h2>
    <table class="callbacks" id="dropped-events">
      <thead><tr><th>{{chrome.t.time}}</th><th>{{chrome.t.event}}</th><th>Id</th><th>{{chrome.t.answer}}</th><th></th></tr></thead>
      <tbody>
      {{#dropped}}<tr data-event="{{id}}"><td>{{time}}</td><td><code>{{event}}</code></td><td><code>{{id}}</code></td><td>{{reason}}</td>
        <td>{{#canResend}}<form method="post" action="{{resendAction}}"><input type="hidden" name="csrf" value="{{chrome.csrf}}"><button type="submit" class="resend-event">{{chrome.t.resend}}</button></form>{{/canResend}}</td></tr>{{/dropped}}
      </tbody>
    </table>
    {{/hasDropped}}
    <h2>{{chrome.t.deliveries}}</h2>
    {{#hasDeliveries}}
    <table class="callbacks" id="deliveries">
      <thead><tr><th>{{chrome.t.time}}</th><th>{{chrome.t.event}}</th><th>{{chrome.t.attempt}}</th><th>{{chrome.t.answer}}</th><th>{{chrome.t.duration}}</th><th></th></tr></thead>
      <tbody>
      {{#deliveries}}<tr class="{{#delivered}}delivered{{/delivered}}" data-seq="{{seq}}"><td>{{time}}</td><td><code>{{eventID}}</code></td><td>{{attempt}}</td><td>{{answer}}{{#next}} → {{.}}{{/next}}</td><td class="number">{{duration}}</td>
        <td><a href="{{downloadURL}}" class="download-delivery" download>{{chrome.t.download}}</a></td></tr>{{/deliveries}}
      </tbody>
    </table>
    {{/hasDeliveries}}
    {{^hasDeliveries}}<p class="empty">{{chrome.t.noCallbacks}}</p>{{/hasDeliveries}}
    {{> foot}}
    """#
}
